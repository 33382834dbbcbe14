package dev.verdict.bank.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Small blocking HTTP helpers for health checks and the launcher's own reads. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private Http() {
    }

    /** Whether GET {@code url} answers 200 within {@code timeout}. */
    static boolean ok(URI url, Duration timeout) {
        return get(url, timeout).map(r -> r.statusCode() == 200).orElse(false);
    }

    /** GET {@code url}; empty when it cannot be reached in time. */
    static Optional<HttpResponse<String>> get(URI url, Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            return Optional.of(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
