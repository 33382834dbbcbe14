package dev.verdict.bank.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent random transfers between the accounts until stopped, some of them overdrawing: 70% small amounts,
 * 20% large ones that overdraw depending on the moment, 10% larger than all the money there is. An auditor
 * thread reads the audit meanwhile; every audit answered must be consistent.
 */
final class Workload implements AutoCloseable {

    private final BankHttp bank;
    private final int accounts;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<BankHttp.Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Map<String, Object>> audits = new ConcurrentLinkedQueue<>();
    private final AtomicInteger committed = new AtomicInteger();

    private Workload(BankHttp bank, int accounts) {
        this.bank = bank;
        this.accounts = accounts;
    }

    static Workload start(BankHttp bank, int accounts, int clients, long seed) {
        Workload workload = new Workload(bank, accounts);
        for (int i = 0; i < clients; i++) {
            Random random = new Random(seed + i);
            workload.threads.add(Thread.ofPlatform().name("client-" + i).start(() -> workload.client(random)));
        }
        workload.threads.add(Thread.ofPlatform().name("auditor").start(workload::auditor));
        return workload;
    }

    private void client(Random random) {
        while (running.get()) {
            long from = 1 + random.nextInt(accounts);
            long to = 1 + random.nextInt(accounts - 1);
            if (to >= from) {
                to++;
            }
            int dice = random.nextInt(10);
            long amount = dice < 7 ? 1 + random.nextInt(3_000) : dice < 9 ? 5_000 + random.nextInt(10_000) : 1_000_000_000L;
            BankHttp.Attempt attempt = bank.transfer(from, to, amount);
            attempts.add(attempt);
            if (attempt.outcome() == BankHttp.Outcome.COMMITTED) {
                committed.incrementAndGet();
            }
        }
    }

    private void auditor() {
        while (running.get()) {
            bank.audit().ifPresent(audits::add);
        }
    }

    int committed() {
        return committed.get();
    }

    List<BankHttp.Attempt> attempts() {
        return List.copyOf(attempts);
    }

    List<Map<String, Object>> audits() {
        return List.copyOf(audits);
    }

    long count(BankHttp.Outcome outcome) {
        return attempts.stream().filter(a -> a.outcome() == outcome).count();
    }

    /** Stops the clients and waits for their requests in flight to be answered. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    @Override
    public String toString() {
        return "attempts=" + attempts.size() + " committed=" + count(BankHttp.Outcome.COMMITTED)
                + " aborted=" + count(BankHttp.Outcome.ABORTED)
                + " insufficient=" + count(BankHttp.Outcome.INSUFFICIENT_FUNDS)
                + " unknown=" + count(BankHttp.Outcome.UNKNOWN) + " audits=" + audits.size();
    }
}
