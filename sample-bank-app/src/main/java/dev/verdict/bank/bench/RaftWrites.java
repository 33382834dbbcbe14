package dev.verdict.bank.bench;

import dev.verdict.bank.loadgen.Outcome;
import dev.verdict.bank.loadgen.Transfer;
import dev.verdict.bank.loadgen.TransferExecutor;
import dev.verdict.participant.client.GlobalTransaction;
import dev.verdict.participant.client.GlobalTransactions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mode {@code raft-write}: one write to the 3-node coordinator log alone. Each operation is one begin
 * ({@code POST /v1/transactions} with an Idempotency-Key) through the starter's client, which the coordinator turns
 * into exactly one {@code Begin} command in one Raft entry (replicated to a majority, fsynced, applied): the same
 * call, client and log write that start every Verdict transfer, and nothing else (the transfer itself is ignored).
 *
 * <p>The begun transactions are aborted afterwards ({@link #abortAll}), outside the measured window, so they
 * neither linger until their deadline nor cost the following measurements a timeout sweep.
 */
final class RaftWrites implements TransferExecutor {

    private final GlobalTransactions client;
    private final Duration timeout;
    private final ConcurrentLinkedQueue<Long> begun = new ConcurrentLinkedQueue<>();

    RaftWrites(GlobalTransactions client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public Outcome execute(Transfer ignored) {
        GlobalTransaction tx = client.begin(timeout);
        begun.add(tx.txId());
        return Outcome.committed(tx.txId());
    }

    /** Aborts every transaction begun so far, {@code parallelism} at a time; returns how many failed. */
    long abortAll(int parallelism) throws InterruptedException {
        List<Long> ids = new ArrayList<>();
        for (Long id; (id = begun.poll()) != null; ) {
            ids.add(id);
        }
        AtomicLong failures = new AtomicLong();
        Semaphore permits = new Semaphore(parallelism);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long id : ids) {
                permits.acquire();
                executor.submit(() -> {
                    try {
                        client.abort(id);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet(); // its deadline aborts it anyway
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        return failures.get();
    }
}
