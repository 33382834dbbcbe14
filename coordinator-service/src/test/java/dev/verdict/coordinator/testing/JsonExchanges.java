package dev.verdict.coordinator.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Answers for the JDK's HTTP server, as the tests' stand-in participants give them. */
public final class JsonExchanges {

    private JsonExchanges() {
    }

    /** Sends {@code body} as the JSON answer with {@code status}. */
    public static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
