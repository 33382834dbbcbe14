package dev.verdict.coordinator.log;

import dev.verdict.coordinator.txn.TransactionTable;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCodec;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * This node's copy of the transaction table. The log applies committed entries here in order; readers take the
 * lock briefly and get immutable views. Listeners hear of each applied command after the lock is released.
 */
public final class LocalReplica {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalReplica.class);

    private final Object lock = new Object();
    private final List<LogListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Long, List<CompletableFuture<TransactionView>>> decisionWaiters = new ConcurrentHashMap<>();
    private TransactionTable table = new TransactionTable();

    /** Applies one log entry: its commands in order, all stamped with the entry's index and timestamp. */
    public List<TxResult> apply(TxCodec.Entry entry, long index) {
        List<TxResult> results = new ArrayList<>(entry.commands().size());
        synchronized (lock) {
            for (TxCommand command : entry.commands()) {
                results.add(table.apply(command, index, entry.timestampMillis()));
            }
        }
        for (int i = 0; i < results.size(); i++) {
            completeDecisionWaiters(entry.commands().get(i), results.get(i));
            for (LogListener listener : listeners) {
                try {
                    listener.onApplied(entry.commands().get(i), results.get(i), index);
                } catch (RuntimeException e) {
                    // The entry is applied; a listener's failure must not lose its results or stall the log.
                    LOG.error("Listener failed on entry {}", index, e);
                }
            }
        }
        return results;
    }

    /**
     * Completes once this replica holds a decision for the transaction: at once if it already does, else when it
     * applies one. It never completes on its own otherwise; the caller bounds the wait, and completing or
     * cancelling the future stops it.
     */
    public CompletableFuture<TransactionView> awaitDecision(long txId) {
        CompletableFuture<TransactionView> decision = new CompletableFuture<>();
        decisionWaiters.computeIfAbsent(txId, id -> new CopyOnWriteArrayList<>()).add(decision);
        decision.whenComplete((view, failure) -> decisionWaiters.computeIfPresent(txId, (id, waiting) -> {
            waiting.remove(decision);
            return waiting.isEmpty() ? null : waiting;
        }));
        // Registered first, checked second: a decision applied in between is seen by one or the other.
        decidedView(txId).ifPresent(decision::complete);
        return decision;
    }

    private Optional<TransactionView> decidedView(long txId) {
        return read(t -> t.query(new TxQuery.Get(txId))).stream().filter(TransactionView::isDecided).findFirst();
    }

    /** Transactions someone is waiting on a decision for (a waiter that completed or was cancelled is gone). */
    int transactionsAwaited() {
        return decisionWaiters.size();
    }

    private void completeDecisionWaiters(TxCommand command, TxResult result) {
        if (command instanceof TxCommand.Decide decide
                && result instanceof TxResult.Applied(TransactionView view)
                && view.isDecided()) {
            tellWaiters(decide.txId(), view);
        }
    }

    private void tellWaiters(long txId, TransactionView decided) {
        decisionWaiters.getOrDefault(txId, List.of()).forEach(waiter -> waiter.complete(decided));
    }

    public <T> T read(Function<TransactionTable, T> reader) {
        synchronized (lock) {
            return reader.apply(table);
        }
    }

    public long appliedIndex() {
        synchronized (lock) {
            return table.appliedIndex();
        }
    }

    public byte[] snapshot() {
        synchronized (lock) {
            return table.toSnapshot();
        }
    }

    /**
     * Replaces the table with a snapshot's: at start, or mid-life when the leader sent this node a snapshot because
     * it was too far behind. The decisions in the skipped part of the log were never applied here one by one, so
     * whoever waits for one of them hears of it now.
     */
    public void restore(byte[] snapshot) {
        TransactionTable restored = TransactionTable.fromSnapshot(snapshot);
        synchronized (lock) {
            table = restored;
        }
        for (Long txId : List.copyOf(decisionWaiters.keySet())) {
            decidedView(txId).ifPresent(view -> tellWaiters(txId, view));
        }
    }

    public void addListener(LogListener listener) {
        listeners.add(listener);
    }
}
