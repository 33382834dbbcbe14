package dev.verdict.bank.chaos;

import dev.verdict.bank.chaos.cluster.ChaosCluster;
import dev.verdict.bank.chaos.history.TxReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients: transfer threads (most transfers small and across shards, some large enough to overdraw), an audit
 * thread and status readers that read the decisions of recent transactions at random coordinator nodes, all
 * recording into one history through {@link BankClient}.
 */
public final class Workload implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Workload.class);

    /** Pacing after a failed call, so a client does not spin while the cluster is down (not a condition wait). */
    private static final Duration BACKOFF = Duration.ofMillis(200);
    /** The longest client call (a transfer's 2-minute timeout) and some. */
    private static final Duration STOP_BOUND = Duration.ofMinutes(3);

    private final ChaosCluster cluster;
    private final BankClient client;
    private final int transferClients;
    private final long seed;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger processes = new AtomicInteger(1_000);
    private final ConcurrentLinkedDeque<Long> recentTxIds = new ConcurrentLinkedDeque<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong lastCommitNanos = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    public Workload(ChaosCluster cluster, BankClient client, int transferClients, long seed) {
        this.cluster = cluster;
        this.client = client;
        this.transferClients = transferClients;
        this.seed = seed;
    }

    public void start() {
        for (int i = 0; i < transferClients; i++) {
            int index = i;
            threads.add(Thread.ofPlatform().name("chaos-transfer-" + i).daemon().start(() -> transfers(index)));
        }
        threads.add(Thread.ofPlatform().name("chaos-audit").daemon().start(this::audits));
        for (int i = 0; i < 2; i++) {
            int index = i;
            threads.add(Thread.ofPlatform().name("chaos-reader-" + i).daemon().start(() -> reads(index)));
        }
    }

    /** Transfers answered COMMITTED so far. */
    public long committed() {
        return committed.get();
    }

    /** When the last COMMITTED answer came ({@link System#nanoTime()}), or 0. */
    public long lastCommitNanos() {
        return lastCommitNanos.get();
    }

    private void transfers(int index) {
        SplittableRandom random = new SplittableRandom(seed * 31 + index);
        ChaosCluster.Spec spec = cluster.spec();
        int accounts = spec.accounts();
        long balance = spec.initialBalance();
        int process = index;
        long n = 0;
        while (running.get()) {
            long from = 1 + random.nextInt(accounts);
            boolean crossShard = random.nextInt(5) != 0;
            long to;
            do {
                to = 1 + random.nextInt(accounts);
            } while (to == from || crossShard && to % spec.shards() == from % spec.shards());
            int kind = random.nextInt(100);
            long amount;
            boolean overdraw;
            if (kind < 85) {
                amount = 1 + random.nextLong(Math.max(1, balance / 10));
                overdraw = false;
            } else if (kind < 95) {
                amount = balance / 2 + random.nextLong(Math.max(1, balance * 3 / 2));
                overdraw = true;
            } else {
                amount = spec.expectedTotal() + 1; // more than all the money there is
                overdraw = true;
            }
            String key = "chaos-" + seed + "-" + index + "-" + (n++);
            BankClient.TransferAnswer answer = client.transfer(process, key, from, to, amount, overdraw);
            if (answer.txId() != null) {
                remember(answer.txId());
            }
            if (answer.committed()) {
                committed.incrementAndGet();
                lastCommitNanos.set(System.nanoTime());
            }
            if (answer.unknown()) {
                process = processes.getAndIncrement(); // the old operation may still be in flight
                pause();
            } else if (!answer.committed()) {
                pause(Duration.ofMillis(50));
            }
        }
    }

    private void remember(long txId) {
        recentTxIds.addFirst(txId);
        while (recentTxIds.size() > 200) {
            recentTxIds.pollLast();
        }
    }

    private void audits() {
        int process = 100;
        while (running.get()) {
            client.audit(process);
            client.balances(process, cluster.spec().accounts());
            pause(Duration.ofMillis(300));
        }
    }

    private void reads(int index) {
        SplittableRandom random = new SplittableRandom(seed * 17 + index);
        int process = 200 + index;
        List<String> nodes = cluster.coordinatorIds();
        long n = 0;
        while (running.get()) {
            String node = nodes.get(random.nextInt(nodes.size()));
            if (!cluster.coordinator(node).running() || cluster.coordinator(node).paused()) {
                pause(Duration.ofMillis(50));
                continue;
            }
            if (n++ % 5 == 4) {
                Map<Long, TxReading> seen = client.listRecent(process, node, cluster.coordinatorUrl(node), 50);
                seen.keySet().stream().limit(5).forEach(this::remember);
            } else {
                Long[] recent = recentTxIds.toArray(Long[]::new);
                if (recent.length == 0) {
                    pause(Duration.ofMillis(100));
                    continue;
                }
                long txId = recent[random.nextInt(Math.min(recent.length, 50))];
                if (client.status(process, node, cluster.coordinatorUrl(node), txId) == null) {
                    pause();
                }
            }
            pause(Duration.ofMillis(50));
        }
    }

    private static void pause() {
        pause(BACKOFF);
    }

    private static void pause(Duration pacing) {
        try {
            Thread.sleep(pacing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops every client and waits for the calls in flight (each is bounded by its HTTP timeout), all of them
     * together for at most {@link #STOP_BOUND}.
     */
    @Override
    public void close() {
        running.set(false);
        long deadline = System.nanoTime() + STOP_BOUND.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (thread.isAlive()) {
                    log.warn("client {} still busy {} after the stop; leaving it", thread.getName(), STOP_BOUND);
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
