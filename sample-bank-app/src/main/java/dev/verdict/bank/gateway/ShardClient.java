package dev.verdict.bank.gateway;

import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.shard.api.AccountBalance;
import dev.verdict.bank.shard.api.AuditSlice;
import dev.verdict.bank.shard.api.LedgerRow;
import dev.verdict.bank.shard.api.MoveRequest;
import dev.verdict.bank.shard.api.MoveResult;
import dev.verdict.bank.shard.api.ShardPaths;
import dev.verdict.protocol.Headers;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.participant.ParticipantAddressApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * Calls one shard agent's bank endpoints. Built from Spring Boot's RestClient.Builder, so inside
 * {@code GlobalTransactions.execute} every call carries {@code Verdict-Tx} and runs in the transaction's branch
 * on that shard. Failures become {@link ShardFailure}.
 */
public final class ShardClient {

    private static final ParameterizedTypeReference<List<AccountBalance>> BALANCES = new ParameterizedTypeReference<>() { };
    private static final ParameterizedTypeReference<List<LedgerRow>> LEDGER = new ParameterizedTypeReference<>() { };

    private final int shard;
    private final RestClient http;
    /** The agent's participant address, read once: it is configuration and does not change while it runs. */
    private volatile ParticipantAddress participant;

    public ShardClient(int shard, RestClient http) {
        this.shard = shard;
        this.http = http;
    }

    public int shard() {
        return shard;
    }

    /**
     * The participant addresses of the agents that tell theirs, in the order given and each once (both legs of a
     * transfer may be on one shard), for a transaction to declare when it begins. An agent that cannot be asked now is left out: it still enlists if the work reaches it, and
     * if it cannot be reached the work fails exactly as it would have.
     */
    public static List<ParticipantAddress> participantsOf(Collection<ShardClient> shards) {
        List<ParticipantAddress> addresses = new ArrayList<>(shards.size());
        for (ShardClient shard : new LinkedHashSet<>(shards)) {
            try {
                addresses.add(shard.participant());
            } catch (ShardFailure unreachable) {
                // see above: the work itself reports it
            }
        }
        return addresses;
    }

    public ParticipantAddress participant() {
        ParticipantAddress known = participant;
        if (known == null) {
            known = call(() -> http.get().uri(ParticipantAddressApi.PATH).retrieve().body(ParticipantAddress.class));
            participant = known;
        }
        return known;
    }

    /**
     * Debits the account in the current transaction's branch on this shard. {@code lastCall}: the transfer calls
     * this shard no more, so the call is marked {@code Verdict-Prepare} and the shard prepares its branch before
     * it answers (its signed vote goes with the commit, which then sends this shard no PREPARE).
     */
    public MoveResult debit(long accountId, UUID transferId, long amount, boolean lastCall) {
        return move(ShardPaths.DEBIT, accountId, transferId, amount, lastCall);
    }

    /** Credits the account in the current transaction's branch on this shard; {@code lastCall} as for a debit. */
    public MoveResult credit(long accountId, UUID transferId, long amount, boolean lastCall) {
        return move(ShardPaths.CREDIT, accountId, transferId, amount, lastCall);
    }

    private MoveResult move(String path, long accountId, UUID transferId, long amount, boolean lastCall) {
        return call(() -> http.post().uri(path, accountId)
                .headers(headers -> {
                    if (lastCall) {
                        headers.set(Headers.PREPARE, "true");
                    }
                })
                .body(new MoveRequest(transferId, amount))
                .retrieve().body(MoveResult.class));
    }

    public AccountBalance account(long accountId) {
        return call(() -> http.get().uri(ShardPaths.ACCOUNT, accountId).retrieve().body(AccountBalance.class));
    }

    public List<AccountBalance> range(long fromId, long toId) {
        return call(() -> http.get()
                .uri(b -> b.path(ShardPaths.ACCOUNTS).queryParam("fromId", fromId).queryParam("toId", toId).build())
                .retrieve().body(BALANCES));
    }

    public AuditSlice audit(Duration lockTimeout) {
        return call(() -> http.get()
                .uri(b -> b.path(ShardPaths.AUDIT).queryParam("lockTimeoutMs", lockTimeout.toMillis()).build())
                .retrieve().body(AuditSlice.class));
    }

    public List<LedgerRow> ledger(UUID transferId) {
        return call(() -> http.get()
                .uri(b -> b.path(ShardPaths.LEDGER).queryParam("transferId", transferId).build())
                .retrieve().body(LEDGER));
    }

    private <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (RestClientResponseException e) {
            throw problem(e);
        } catch (ResourceAccessException e) {
            throw new ShardFailure(shard, BankError.SHARD_UNAVAILABLE.status(), BankError.SHARD_UNAVAILABLE.name(),
                    "shard " + shard + " cannot be reached: " + ShardFailure.describe(e.getMostSpecificCause()), Map.of(), e);
        }
    }

    private ShardFailure problem(RestClientResponseException e) {
        int status = e.getStatusCode().value();
        String code = BankError.forStatus(status).name();
        String detail = e.getStatusText();
        Map<String, Object> properties = new HashMap<>();
        try {
            Map<?, ?> body = e.getResponseBodyAs(Map.class);
            if (body != null) {
                body.forEach((k, v) -> {
                    if (v != null) {
                        properties.put(String.valueOf(k), v);
                    }
                });
                if (body.get("code") instanceof String c) {
                    code = c;
                }
                if (body.get("detail") instanceof String d) {
                    detail = d;
                }
            }
        } catch (RuntimeException unreadable) {
            // not a problem document: keep the status line
        }
        List.of("type", "title", "status", "detail", "instance", "code").forEach(properties::remove);
        return new ShardFailure(shard, status, code, "shard " + shard + ": " + detail, properties, e);
    }
}
