package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.log.LogStatus;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The in-memory log, counting writes and linearizable reads, seen through a replica of the test's choice. */
final class CountingLog implements DecisionLog {
    final AtomicInteger proposals = new AtomicInteger();
    final AtomicInteger queries = new AtomicInteger();
    /** Every command proposed, in order. */
    final List<TxCommand> proposed = new ArrayList<>();
    private final DecisionLog log;
    private final LocalReplica replica;

    CountingLog(DecisionLog log, LocalReplica replica) {
        this.log = log;
        this.replica = replica;
    }

    @Override
    public CompletableFuture<TxResult> propose(TxCommand command) {
        proposals.incrementAndGet();
        synchronized (proposed) {
            proposed.add(command);
        }
        return log.propose(command);
    }

    @Override
    public CompletableFuture<List<TransactionView>> query(TxQuery query) {
        queries.incrementAndGet();
        return log.query(query);
    }

    @Override
    public LocalReplica replica() {
        return replica;
    }

    @Override
    public void addListener(LogListener listener) {
        log.addListener(listener);
    }

    @Override
    public LogStatus status() {
        return log.status();
    }

    @Override
    public void close() {
    }
}
