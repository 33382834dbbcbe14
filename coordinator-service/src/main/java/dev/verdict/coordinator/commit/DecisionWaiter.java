package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.protocol.ErrorCode;
import java.util.concurrent.CompletableFuture;

/**
 * Lets any node answer a commit request: it waits for the decision, whichever leader made it, for a bounded
 * time. A commit asked of a follower, or of a leader that dies mid-round, is still answered once the (new)
 * leader's decision is known (see {@link DecisionLog#awaitDecision}).
 */
public final class DecisionWaiter {

    private final DecisionLog log;
    private final Scheduler scheduler;

    public DecisionWaiter(DecisionLog log, Scheduler scheduler) {
        this.log = log;
        this.scheduler = scheduler;
    }

    /** Completes with the decided transaction, or fails with DECISION_PENDING after {@code timeoutMillis}. */
    public CompletableFuture<TransactionView> awaitDecision(long txId, long timeoutMillis) {
        CompletableFuture<TransactionView> decision = log.awaitDecision(txId);
        if (!decision.isDone()) {
            // Nearly every wait ends in time: only build the error (and its stack trace) for one that did not.
            scheduler.schedule(() -> {
                if (!decision.isDone()) {
                    decision.completeExceptionally(new CoordinatorException(ErrorCode.DECISION_PENDING,
                            "transaction " + txId + " has no decision yet; read its status"));
                }
            }, timeoutMillis);
        }
        return decision;
    }
}
