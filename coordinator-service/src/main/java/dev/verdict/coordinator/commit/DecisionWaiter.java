package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lets any node answer a commit request: it waits until this node's replica applies the decision, whichever
 * leader made it. A commit asked of a follower, or of a leader that dies mid-round, is still answered once the
 * (new) leader's decision is committed and reaches this replica.
 */
public final class DecisionWaiter implements LogListener {

    private final LocalReplica replica;
    private final Scheduler scheduler;
    private final Map<Long, List<CompletableFuture<TransactionView>>> waiters = new ConcurrentHashMap<>();

    public DecisionWaiter(LocalReplica replica, Scheduler scheduler) {
        this.replica = replica;
        this.scheduler = scheduler;
    }

    /** Completes with the decided transaction, or fails with DECISION_PENDING after {@code timeoutMillis}. */
    public CompletableFuture<TransactionView> awaitDecision(long txId, long timeoutMillis) {
        CompletableFuture<TransactionView> decision = new CompletableFuture<>();
        waiters.computeIfAbsent(txId, id -> new CopyOnWriteArrayList<>()).add(decision);
        decision.whenComplete((view, failure) -> waiters.computeIfPresent(txId, (id, list) -> {
            list.remove(decision);
            return list.isEmpty() ? null : list;
        }));
        // Registered first, checked second: a decision applied in between is seen by one or the other.
        replica.read(t -> t.query(new TxQuery.Get(txId))).stream()
                .filter(TransactionView::isDecided)
                .findFirst()
                .ifPresent(decision::complete);
        if (!decision.isDone()) {
            scheduler.schedule(() -> decision.completeExceptionally(new CoordinatorException(
                    ErrorCode.DECISION_PENDING, "transaction " + txId + " has no decision yet; read its status")),
                    timeoutMillis);
        }
        return decision;
    }

    @Override
    public void onApplied(TxCommand command, TxResult result, long index) {
        if (command instanceof TxCommand.Decide decide
                && result instanceof TxResult.Applied(TransactionView view)
                && view.isDecided()) {
            List<CompletableFuture<TransactionView>> waiting = waiters.get(decide.txId());
            if (waiting != null) {
                waiting.forEach(w -> w.complete(view));
            }
        }
    }
}
