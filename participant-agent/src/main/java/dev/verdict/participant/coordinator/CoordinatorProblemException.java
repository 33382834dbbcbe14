package dev.verdict.participant.coordinator;

import dev.verdict.protocol.ErrorCode;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.client.RestClientResponseException;

/** The coordinator answered with a problem (4xx, or a 5xx other than 503). {@code code} is empty when unknown. */
public class CoordinatorProblemException extends RuntimeException {

    private final int status;
    private final transient Optional<ErrorCode> code;

    public CoordinatorProblemException(int status, Optional<ErrorCode> code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    static CoordinatorProblemException from(RestClientResponseException e) {
        Optional<ErrorCode> code = Optional.empty();
        String detail = e.getStatusText();
        try {
            Map<?, ?> body = e.getResponseBodyAs(Map.class);
            if (body != null) {
                Object name = body.get("code");
                if (name == null && body.get("properties") instanceof Map<?, ?> properties) {
                    name = properties.get("code"); // a ProblemDetail serialized without its Jackson mixin
                }
                if (name instanceof String n) {
                    code = parse(n);
                }
                if (body.get("detail") instanceof String d) {
                    detail = d;
                }
            }
        } catch (RuntimeException unreadable) {
            // not a problem document: keep the status line
        }
        return new CoordinatorProblemException(e.getStatusCode().value(), code,
                "coordinator answered " + e.getStatusCode().value() + code.map(c -> " " + c).orElse("") + ": " + detail, e);
    }

    private static Optional<ErrorCode> parse(String name) {
        try {
            return Optional.of(ErrorCode.valueOf(name));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    public int status() {
        return status;
    }

    public Optional<ErrorCode> code() {
        return code;
    }

    public boolean is(ErrorCode expected) {
        return code.filter(expected::equals).isPresent();
    }
}
