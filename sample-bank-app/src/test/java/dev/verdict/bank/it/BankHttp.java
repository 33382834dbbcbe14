package dev.verdict.bank.it;

import dev.verdict.bank.gateway.transfer.Transfer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's public API as a test client sees it. */
final class BankHttp {

    enum Outcome { COMMITTED, ABORTED, INSUFFICIENT_FUNDS, UNKNOWN }

    /** One transfer request and what the gateway answered; {@code transferId} follows from the Idempotency-Key. */
    record Attempt(long from, long to, long amount, UUID transferId, Outcome outcome, int status, String body) {
    }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final URI gateway;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final JsonMapper json = JsonMapper.builder().build();

    BankHttp(URI gateway) {
        this.gateway = gateway;
    }

    Attempt transfer(long from, long to, long amount) {
        String key = UUID.randomUUID().toString();
        UUID transferId = Transfer.transferId(key);
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/api/transfers"))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"from\":" + from + ",\"to\":" + to + ",\"amount\":" + amount + "}"))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, Object> body = parse(response.body());
            Outcome outcome = Outcome.UNKNOWN;
            if (response.statusCode() == 200 && "COMMITTED".equals(body.get("state"))) {
                outcome = Outcome.COMMITTED;
            } else if (response.statusCode() == 200 && "ABORTED".equals(body.get("state"))) {
                outcome = Outcome.ABORTED;
            } else if (response.statusCode() == 409 && "INSUFFICIENT_FUNDS".equals(body.get("code"))) {
                outcome = Outcome.INSUFFICIENT_FUNDS;
            }
            return new Attempt(from, to, amount, transferId, outcome, response.statusCode(), response.body());
        } catch (IOException e) {
            return new Attempt(from, to, amount, transferId, Outcome.UNKNOWN, 0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(from, to, amount, transferId, Outcome.UNKNOWN, 0, "interrupted");
        }
    }

    /** {@code GET /api/audit}, if it answered 200. */
    Optional<Map<String, Object>> audit() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.resolve("/api/audit"))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(parse(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Map<String, Object> parse(String body) {
        try {
            return body == null || body.isBlank() ? Map.of() : json.readValue(body, MAP);
        } catch (RuntimeException notJson) {
            return Map.of();
        }
    }
}
