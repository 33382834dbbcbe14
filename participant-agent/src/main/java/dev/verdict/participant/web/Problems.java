package dev.verdict.participant.web;

import dev.verdict.protocol.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The problem details of {@link dev.verdict.protocol.http.ProblemDetails}, written from a servlet filter, where no
 * message converter is at hand.
 */
public final class Problems {

    private Problems() {
    }

    public static void write(HttpServletResponse response, ErrorCode code, String detail, String instance)
            throws IOException {
        response.resetBuffer();
        response.setStatus(code.status());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"type\":" + quote(code.type().toString())
                + ",\"title\":" + quote(code.title())
                + ",\"status\":" + code.status()
                + ",\"detail\":" + quote(detail)
                + ",\"instance\":" + quote(instance)
                + ",\"code\":" + quote(code.name()) + "}");
        response.flushBuffer();
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
