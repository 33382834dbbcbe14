package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.Headers;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * The coordinator's REST API, served by every coordinator node. The coordinator's controllers implement it
 * and the participant starter calls it through an HTTP service proxy, so both sides share one contract.
 * Errors come back as RFC 9457 problem details whose {@code code} is an {@link dev.verdict.protocol.ErrorCode}.
 */
@HttpExchange(url = "/v1", accept = "application/json")
public interface CoordinatorApi {

    @PostExchange(url = "/transactions", contentType = "application/json")
    TransactionBegun begin(
            @RequestBody(required = false) @Valid BeginTransactionRequest request,
            @RequestHeader(name = Headers.IDEMPOTENCY_KEY, required = false) String idempotencyKey);

    @PostExchange(url = "/transactions/{txId}/participants", contentType = "application/json")
    Enlisted enlist(@PathVariable("txId") long txId, @RequestBody @Valid ParticipantAddress request);

    /** Commits; the body may carry the participants' signed votes ({@link CommitRequest}). */
    @PostExchange(url = "/transactions/{txId}/commit", contentType = "application/json")
    TransactionOutcome commit(@PathVariable("txId") long txId, @RequestBody(required = false) @Valid CommitRequest request);

    /** A commit without votes: the leader sends every participant PREPARE. */
    default TransactionOutcome commit(long txId) {
        return commit(txId, null);
    }

    /** Aborts; the body, for a deferred begin, names the participants to tell ({@link AbortRequest}). */
    @PostExchange(url = "/transactions/{txId}/abort", contentType = "application/json")
    TransactionOutcome abort(@PathVariable("txId") long txId, @RequestBody(required = false) @Valid AbortRequest request);

    default TransactionOutcome abort(long txId) {
        return abort(txId, null);
    }

    /**
     * Reserves a block of ids for this client's deferred begins ({@link IdLease}); 409 {@code ID_LEASES_DISABLED}
     * when the coordinators have no declaration key to derive the lease's key from.
     */
    @PostExchange("/id-leases")
    IdLease leaseIds();

    @GetExchange("/transactions/{txId}")
    TransactionStatus status(@PathVariable("txId") long txId);

    /** Transactions the log still holds (undecided, or decided and not yet acknowledged by all), newest first. */
    @GetExchange("/transactions")
    List<TransactionStatus> list(@RequestParam(name = "limit", required = false, defaultValue = "50") int limit);

    @GetExchange("/cluster")
    ClusterStatus cluster();
}
