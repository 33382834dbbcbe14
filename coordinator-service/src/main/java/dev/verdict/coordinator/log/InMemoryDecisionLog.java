package dev.verdict.coordinator.log;

import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCodec;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * A single-replica decision log for tests and simulation: every proposal becomes its own entry, applied on the
 * given executor with the given clock. It stands for a Raft group that never loses a committed entry; what a
 * real group adds (elections, lost replies) a simulation injects around it.
 */
public final class InMemoryDecisionLog implements DecisionLog {

    private final String nodeId;
    private final Executor executor;
    private final LongSupplier clock;
    private final LocalReplica replica = new LocalReplica();
    private long lastIndex;

    public InMemoryDecisionLog(String nodeId, Executor executor, LongSupplier clock) {
        this.nodeId = nodeId;
        this.executor = executor;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<TxResult> propose(TxCommand command) {
        CompletableFuture<TxResult> result = new CompletableFuture<>();
        executor.execute(() -> result.complete(appendNow(command)));
        return result;
    }

    /** Appends and applies {@code command} on the calling thread: for simulations that schedule it themselves. */
    public synchronized TxResult appendNow(TxCommand command) {
        return replica.apply(new TxCodec.Entry(clock.getAsLong(), List.of(command)), ++lastIndex).getFirst();
    }

    @Override
    public CompletableFuture<List<TransactionView>> query(TxQuery query) {
        CompletableFuture<List<TransactionView>> result = new CompletableFuture<>();
        executor.execute(() -> result.complete(replica.read(table -> table.query(query))));
        return result;
    }

    @Override
    public LocalReplica replica() {
        return replica;
    }

    @Override
    public void addListener(LogListener listener) {
        replica.addListener(listener);
    }

    @Override
    public synchronized LogStatus status() {
        // A single replica leads its one and only term.
        return new LogStatus(nodeId, true, nodeId, 1, lastIndex, replica.appliedIndex(),
                List.of(new LogStatus.Member(nodeId, "in-memory")));
    }

    @Override
    public void close() {
    }
}
