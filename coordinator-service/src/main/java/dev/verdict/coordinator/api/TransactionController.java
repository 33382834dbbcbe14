package dev.verdict.coordinator.api;

import dev.verdict.coordinator.cluster.ClusterView;
import dev.verdict.coordinator.commit.CoordinatorException;
import dev.verdict.coordinator.commit.TransactionCoordinator;
import dev.verdict.coordinator.txn.DeferredBegin;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.coordinator.AbortRequest;
import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import dev.verdict.protocol.coordinator.ClusterStatus;
import dev.verdict.protocol.coordinator.CommitRequest;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.Enlisted;
import dev.verdict.protocol.coordinator.IdLease;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The coordinator's REST API (mappings come from {@link CoordinatorApi}); any node serves every call. */
@RestController
class TransactionController implements CoordinatorApi {

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final int MAX_LIST_LIMIT = 1_000;

    private final TransactionCoordinator coordinator;
    private final ClusterView cluster;
    private final BeginDeclarations declarations;

    TransactionController(TransactionCoordinator coordinator, ClusterView cluster, BeginDeclarations declarations) {
        this.coordinator = coordinator;
        this.cluster = cluster;
        this.declarations = declarations;
    }

    @Override
    @ResponseStatus(HttpStatus.CREATED)
    public TransactionBegun begin(BeginTransactionRequest request, String idempotencyKey) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new CoordinatorException(ErrorCode.VALIDATION_FAILED,
                    "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces");
        }
        Long timeoutMs = request == null ? null : request.timeoutMs();
        List<ParticipantAddress> participants = request == null ? List.of() : request.participants();
        requireOneEndpointEach(participants);
        // only a sealed declaration can bring a deferred Begin back to the log
        boolean deferred = request != null && request.wantsDeferred() && declarations.canSeal()
                && coordinator.canDefer(timeoutMs, idempotencyKey, participants);
        TransactionView view = Await.result(deferred
                ? coordinator.beginDeferred(timeoutMs, participants)
                : coordinator.begin(timeoutMs, idempotencyKey, participants));
        return new TransactionBegun(view.txId(), view.state(), Instant.ofEpochMilli(view.deadlineMillis()),
                declarations.sealOf(view), deferred);
    }


    private static void requireOneEndpointEach(List<ParticipantAddress> participants) {
        Map<String, String> endpoints = new HashMap<>();
        for (ParticipantAddress participant : participants) {
            String other = endpoints.putIfAbsent(participant.participantId(), participant.endpoint());
            if (other != null && !other.equals(participant.endpoint())) {
                throw new CoordinatorException(ErrorCode.VALIDATION_FAILED, "participant " + participant.participantId()
                        + " is declared twice, at " + other + " and at " + participant.endpoint());
            }
        }
    }

    @Override
    public Enlisted enlist(long txId, ParticipantAddress request) {
        TransactionView view = Await.result(coordinator.enlist(txId, request.participantId(), request.endpoint()));
        return new Enlisted(txId, request.participantId(), view.state(), Instant.ofEpochMilli(view.deadlineMillis()));
    }

    @Override
    public TransactionOutcome commit(long txId, CommitRequest request) {
        if (request == null) {
            return Responses.outcome(Await.result(coordinator.commit(txId, List.of())));
        }
        DeferredBegin begin = declarations.deferredBegin(txId, request.participants(), request.declaration());
        return Responses.outcome(Await.result(coordinator.commit(txId, request.votes(), begin)));
    }

    @Override
    public TransactionOutcome abort(long txId, AbortRequest request) {
        DeferredBegin begin = request == null ? null
                : declarations.deferredBegin(txId, request.participants(), request.declaration());
        return Responses.outcome(Await.result(coordinator.abort(txId, begin)));
    }

    @Override
    @ResponseStatus(HttpStatus.CREATED)
    public IdLease leaseIds() {
        if (!declarations.canSeal()) {
            throw new CoordinatorException(ErrorCode.ID_LEASES_DISABLED,
                    "the coordinators have no declaration key, so they lease no ids: begin through POST /v1/transactions");
        }
        return declarations.lease(Await.result(coordinator.reserveLease()));
    }

    @Override
    public TransactionStatus status(long txId) {
        return Await.result(coordinator.status(txId)).map(Responses::status).orElseThrow(
                () -> new CoordinatorException(ErrorCode.TRANSACTION_NOT_FOUND,
                        "transaction " + txId + " is unknown (never begun, or finished and forgotten)"));
    }

    @Override
    public List<TransactionStatus> list(int limit) {
        if (limit < 0 || limit > MAX_LIST_LIMIT) {
            throw new CoordinatorException(ErrorCode.VALIDATION_FAILED,
                    "limit must be between 0 and " + MAX_LIST_LIMIT);
        }
        return Await.result(coordinator.recent(limit)).stream().map(Responses::status).toList();
    }

    @Override
    public ClusterStatus cluster() {
        return cluster.status();
    }
}
