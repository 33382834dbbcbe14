package dev.verdict.bank.chaos;

import dev.verdict.bank.chaos.cluster.Http;
import dev.verdict.bank.chaos.history.Call;
import dev.verdict.bank.chaos.history.History;
import dev.verdict.bank.chaos.history.Result;
import dev.verdict.bank.chaos.history.TxReading;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The harness's client of the bank: each call is recorded in the {@link History} with what it tells about the
 * outcome, classified as a careful client must:
 *
 * <ul>
 * <li>A transfer answered 200 is OK with its state; a problem saying {@code "state": "ABORTED"} (409
 * INSUFFICIENT_FUNDS, a failed leg) is OK and ABORTED. 503 COORDINATOR_UNAVAILABLE without a txId means the begin failed, so no money moved: FAIL. Any other 4xx
 * is FAIL. 504 OUTCOME_UNKNOWN, any other 5xx, a timeout or a broken connection is INFO: unknown, with the txId
 * when the answer named it.</li>
 * <li>Audits and status reads change nothing: any failure is FAIL.</li>
 * </ul>
 */
public final class BankClient {

    /** An audit may retry for a while (lock waits, several attempts) before it answers. */
    private static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(90);

    private final Http http;
    private final History history;
    private final URI gateway;
    private final Duration transferTimeout;
    private final Duration readTimeout;

    public BankClient(History history, URI gateway, Duration transferTimeout, Duration readTimeout) {
        this.http = new Http(Duration.ofSeconds(5));
        this.history = history;
        this.gateway = gateway;
        this.transferTimeout = transferTimeout;
        this.readTimeout = readTimeout;
    }

    /** The ledger id the bank gives a transfer sent with this Idempotency-Key (the bank app's documented rule). */
    public static String transferIdOf(String idempotencyKey) {
        return UUID.nameUUIDFromBytes(("verdict-bank-transfer:" + idempotencyKey).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** What a transfer's answer said, for the client loop: the txId if any, and whether the outcome is unknown. */
    public record TransferAnswer(Long txId, boolean unknown, boolean committed) {
    }

    public TransferAnswer transfer(int process, String idempotencyKey, long from, long to, long amount, boolean overdraw) {
        Call.Transfer call = new Call.Transfer(transferIdOf(idempotencyKey), Long.toString(from), Long.toString(to),
                amount, overdraw);
        History.Pending op = history.invoke(process, call);
        Http.Response response;
        try {
            response = http.post(gateway.resolve("/api/transfers"), Map.of("from", from, "to", to, "amount", amount),
                    Map.of("Idempotency-Key", idempotencyKey), transferTimeout);
        } catch (IOException e) {
            op.info(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
            return new TransferAnswer(null, true, false);
        } catch (InterruptedException e) {
            op.info("interrupted", null);
            Thread.currentThread().interrupt();
            return new TransferAnswer(null, true, false);
        }
        JsonNode json = response.json();
        Long txId = json != null && json.hasNonNull("txId") && json.get("txId").asLong() > 0 ? json.get("txId").asLong() : null;
        String transferId = json != null && json.hasNonNull("transferId") ? json.get("transferId").asString() : null;
        String reason = json != null && json.hasNonNull("reason") ? json.get("reason").asString() : null;
        String code = response.code();
        if (response.status() == 200 && json != null && json.hasNonNull("state")) {
            TxReading state = TxReading.valueOf(json.get("state").asString());
            op.ok(new Result.Transfer(transferId, txId, state, reason));
            return new TransferAnswer(txId, false, state == TxReading.COMMITTED);
        }
        if (json != null && "ABORTED".equals(json.path("state").asString(null))) {
            // a problem that says the transfer was aborted (insufficient funds, a failed leg): a definite answer
            op.ok(new Result.Transfer(transferId, txId, TxReading.ABORTED, code));
            return new TransferAnswer(txId, false, false);
        }
        String why = describe(response);
        if ("COORDINATOR_UNAVAILABLE".equals(code) && txId == null) {
            op.fail(why);
            return new TransferAnswer(null, false, false);
        }
        if (response.status() >= 400 && response.status() < 500) {
            op.fail(why);
            return new TransferAnswer(txId, false, false);
        }
        op.info(why, new Result.Transfer(transferId, txId, null, null));
        return new TransferAnswer(txId, true, false);
    }

    public void audit(int process) {
        History.Pending op = history.invoke(process, new Call.Audit());
        try {
            Http.Response response = http.get(gateway.resolve("/api/audit"), AUDIT_TIMEOUT);
            JsonNode json = response.json();
            if (response.status() == 200 && json != null && json.has("total")) {
                op.ok(new Result.Audit(json.get("total").asLong(), json.get("expectedTotal").asLong(),
                        json.path("negative").asLong() > 0, json.path("consistent").asBoolean(), Map.of()));
            } else {
                op.fail(describe(response));
            }
        } catch (IOException e) {
            op.fail(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            op.fail("interrupted");
            Thread.currentThread().interrupt();
        }
    }

    /** Every account's balance through the gateway's account listing. */
    public void balances(int process, int accounts) {
        History.Pending op = history.invoke(process, new Call.Balances());
        try {
            Map<String, Long> balances = new LinkedHashMap<>();
            for (int offset = 0; offset < accounts; offset += 1000) {
                Http.Response response = http.get(gateway.resolve("/api/accounts?offset=" + offset + "&limit=1000"),
                        readTimeout);
                if (response.status() != 200 || response.json() == null) {
                    op.fail(describe(response));
                    return;
                }
                for (JsonNode account : response.json().path("accounts")) {
                    balances.put(Long.toString(account.get("id").asLong()), account.get("balance").asLong());
                }
            }
            op.ok(new Result.Balances(balances));
        } catch (IOException e) {
            op.fail(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            op.fail("interrupted");
            Thread.currentThread().interrupt();
        }
    }

    /** A linearizable status read of {@code txId} at coordinator {@code node}. */
    public TxReading status(int process, String node, URI coordinator, long txId) {
        History.Pending op = history.invoke(process, new Call.Status(txId, node));
        try {
            Http.Response response = http.get(coordinator.resolve("/v1/transactions/" + txId), readTimeout);
            if (response.status() == 200 && response.json() != null) {
                TxReading state = TxReading.valueOf(response.json().get("state").asString());
                op.ok(new Result.Status(state));
                return state;
            }
            if (response.status() == 404 && "TRANSACTION_NOT_FOUND".equals(response.code())) {
                op.ok(new Result.Status(TxReading.NOT_FOUND));
                return TxReading.NOT_FOUND;
            }
            op.fail(response.status() + " " + response.code());
        } catch (IOException e) {
            op.fail(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            op.fail("interrupted");
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** The newest transactions at coordinator {@code node} (one linearizable query). */
    public Map<Long, TxReading> listRecent(int process, String node, URI coordinator, int limit) {
        History.Pending op = history.invoke(process, new Call.ListRecent(node, limit));
        try {
            Http.Response response = http.get(coordinator.resolve("/v1/transactions?limit=" + limit), readTimeout);
            if (response.status() == 200 && response.json() != null && response.json().isArray()) {
                Map<Long, TxReading> states = new LinkedHashMap<>();
                Iterator<JsonNode> items = response.json().iterator();
                while (items.hasNext()) {
                    JsonNode item = items.next();
                    states.put(item.get("txId").asLong(), TxReading.valueOf(item.get("state").asString()));
                }
                op.ok(new Result.ListRecent(states));
                return states;
            }
            op.fail(response.status() + " " + response.code());
        } catch (IOException e) {
            op.fail(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            op.fail("interrupted");
            Thread.currentThread().interrupt();
        }
        return Map.of();
    }

    /** Status, problem code and detail of an error answer. */
    private static String describe(Http.Response response) {
        String detail = response.json() != null && response.json().hasNonNull("detail")
                ? response.json().get("detail").asString() : response.body();
        return response.status() + (response.code() == null ? "" : " " + response.code()) + ": " + abbreviate(detail);
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() > 120 ? body.substring(0, 120) + "..." : body;
    }
}
