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

    /**
     * Starts waiting for the decision: at a follower this asks the leader at once, and the leader answers when it
     * decides. Nothing bounds the wait until {@link #within}; cancel it when it is not wanted after all.
     */
    public CompletableFuture<TransactionView> start(long txId) {
        return log.awaitDecision(txId);
    }

    /** {@code decision}, failed with DECISION_PENDING if it has not completed {@code timeoutMillis} from now. */
    public CompletableFuture<TransactionView> within(CompletableFuture<TransactionView> decision, long txId,
            long timeoutMillis) {
        if (!decision.isDone()) {
            scheduler.schedule(() -> decision.completeExceptionally(new CoordinatorException(
                    ErrorCode.DECISION_PENDING, "transaction " + txId + " has no decision yet; read its status")),
                    timeoutMillis);
        }
        return decision;
    }
}
