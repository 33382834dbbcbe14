package dev.verdict.bank.chaos.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON-over-HTTP client for the harness: every answer, whatever its status, or the transport error. */
public final class Http {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An answer: its status and body (parsed when it is JSON, else null). */
    public record Response(int status, String body, JsonNode json) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem's {@code code} of an error answer, or null. */
        public String code() {
            return json != null && json.hasNonNull("code") ? json.get("code").asString() : null;
        }
    }

    /** Added to the request's timeout (which the JDK applies to the headers only) to bound the whole answer. */
    private static final Duration BODY_GRACE = Duration.ofSeconds(5);

    private final HttpClient client;

    public Http(Duration connectTimeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    public Response get(URI uri, Duration timeout) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build());
    }

    public Response post(URI uri, Object body, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : JSON.writeValueAsString(body)));
        headers.forEach(request::header);
        return send(request.build());
    }

    /**
     * Sends and reads the whole answer within the request's timeout plus {@link #BODY_GRACE}. The JDK client's own
     * timeout stops at the response headers, so a body that stalls would otherwise block the caller forever.
     */
    private Response send(HttpRequest request) throws IOException, InterruptedException {
        Duration timeout = request.timeout().orElseThrow(() -> new IllegalArgumentException("no timeout: " + request));
        CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = exchange.get(timeout.toMillis() + BODY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HttpTimeoutException("no complete answer from " + request.uri() + " within " + timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        }
        JsonNode json = null;
        String body = response.body();
        if (body != null && !body.isBlank() && (body.startsWith("{") || body.startsWith("["))) {
            try {
                json = JSON.readTree(body);
            } catch (RuntimeException e) {
                json = null;
            }
        }
        return new Response(response.statusCode(), body, json);
    }

    public static JsonMapper json() {
        return JSON;
    }
}
