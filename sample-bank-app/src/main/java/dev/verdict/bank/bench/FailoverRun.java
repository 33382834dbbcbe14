package dev.verdict.bank.bench;

import dev.verdict.bank.demo.DemoTopology;
import dev.verdict.bank.demo.ManagedProcess;
import dev.verdict.bank.loadgen.LoadResult;
import dev.verdict.bank.loadgen.LoadRunner;
import dev.verdict.bank.loadgen.Outcome;
import dev.verdict.bank.loadgen.TransferWorkload;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mode {@code failover}: verdict transfers at a steady rate; after {@code before}, the coordinator leader is killed
 * ({@code kill -9}); the run goes on for {@code after}. Measured: the kill to a surviving node naming a new leader
 * (polled every 10 ms), the kill to the first COMMITTED answer of a transfer begun after the kill, and the kill to
 * the last in-doubt branch leaving {@code pg_prepared_xacts} (in doubt: prepared at the kill, so its end was up to
 * the next leader); apart from those, the branches of transactions begun before the kill that were prepared only
 * after it. The killed node is restarted and rejoins before the next round.
 */
final class FailoverRun {

    private static final Pattern LEADER = Pattern.compile("\"leaderId\"\\s*:\\s*\"([^\"]+)\"");

    private final DemoTopology topology;
    private final List<ShardDb> shards;
    private final Function<VerdictTransfers.BeginListener, VerdictTransfers> executors;
    private final TransferWorkload workload;
    /** Told what the survivors said and logged when no new leader was seen (the data directory may be deleted). */
    private final Consumer<String> diagnostics;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(200)).build();

    FailoverRun(DemoTopology topology, List<ShardDb> shards,
            Function<VerdictTransfers.BeginListener, VerdictTransfers> executors, TransferWorkload workload,
            Consumer<String> diagnostics) {
        this.topology = topology;
        this.shards = shards;
        this.executors = executors;
        this.workload = workload;
        this.diagnostics = diagnostics;
    }

    FailoverResult once(int clients, double rate, Duration before, Duration after, long seed, Duration resolveTimeout)
            throws Exception {
        ManagedProcess leader = topology.awaitLeader(Duration.ofSeconds(60));
        ConcurrentLinkedQueue<long[]> begins = new ConcurrentLinkedQueue<>();
        AtomicLong firstCommitAfterKill = new AtomicLong(Long.MAX_VALUE);
        AtomicLong killAt = new AtomicLong(Long.MAX_VALUE);
        VerdictTransfers executor = executors.apply((txId, at) -> begins.add(new long[] {txId, at}));
        LoadResult result;
        long electedAt;
        String newLeader;
        try (PreparedWatcher watcher = new PreparedWatcher(shards, 5);
                ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            CompletableFuture<LoadResult> run = CompletableFuture.supplyAsync(() -> LoadRunner.run(
                    new LoadRunner.Settings(clients, Duration.ZERO, before.plus(after), rate, seed), workload::next, executor,
                    (transfer, outcome, s, e) -> {
                        if (outcome.kind() == Outcome.Kind.COMMITTED && s - killAt.get() >= 0) {
                            firstCommitAfterKill.accumulateAndGet(e, Math::min);
                        }
                    }), background);
            sleepUntil(start + before.toNanos()); // the scenario's schedule: steady load, then the kill
            long kill = System.nanoTime();
            java.time.Instant killedAt = java.time.Instant.now();
            killAt.set(kill);
            leader.kill();
            String killed = leader.nodeId();
            String[] elected = awaitNewLeader(killed, kill + Duration.ofSeconds(30).toNanos());
            electedAt = Long.parseLong(elected[1]);
            newLeader = elected[0];
            if (electedAt == 0) {
                describeSurvivors(killed);
            }
            result = run.get();
            // by the begin's time, not by id: deferred and leased ids come from blocks, so they do not grow with time
            Set<Long> begunBeforeKill = begins.stream().filter(b -> b[1] - kill < 0).map(b -> b[0])
                    .collect(Collectors.toSet());
            // wait (bounded) until every branch prepared at the kill, and every later one of a transaction begun
            // before it, has left pg_prepared_xacts
            long giveUp = System.nanoTime() + resolveTimeout.toNanos();
            while (System.nanoTime() - giveUp < 0 && !allGone(watcher.seen(), begunBeforeKill, kill)) {
                Thread.sleep(20); // condition poll
            }
            List<PreparedWatcher.Seen> seen = watcher.seen();
            List<PreparedWatcher.Seen> inDoubt = inDoubtAtKill(seen, kill);
            List<PreparedWatcher.Seen> later = preparedAfterKill(seen, begunBeforeKill, kill);
            long firstCommit = firstCommitAfterKill.get();
            FailoverResult failover = new FailoverResult(killed, newLeader,
                    electedAt == 0 ? null : Duration.ofNanos(electedAt - kill),
                    firstCommit == Long.MAX_VALUE ? null : Duration.ofNanos(firstCommit - kill),
                    inDoubt.size(), lastGone(inDoubt, kill), later.size(), lastGone(later, kill),
                    result.committed(), result.errors(), killedAt);
            // bring the killed node back for what follows
            leader.start();
            leader.awaitHealthy(Duration.ofSeconds(120));
            topology.awaitLeader(Duration.ofSeconds(60));
            return failover;
        }
    }

    /**
     * The branches in doubt at the kill: prepared before it and still prepared at it, so their outcome was up to
     * the next leader (the target is about these).
     */
    static List<PreparedWatcher.Seen> inDoubtAtKill(List<PreparedWatcher.Seen> seen, long kill) {
        return seen.stream().filter(s -> s.firstSeen() - kill < 0 && (s.goneAt() == 0 || s.goneAt() - kill >= 0)).toList();
    }

    /**
     * Branches of transactions begun before the kill but prepared only after it, by the next leader: not in doubt
     * at the kill, yet their transactions lived through it (often waiting on rows the in-doubt ones locked).
     */
    static List<PreparedWatcher.Seen> preparedAfterKill(List<PreparedWatcher.Seen> seen, Set<Long> begunBeforeKill,
            long kill) {
        return seen.stream().filter(s -> begunBeforeKill.contains(s.txId()) && s.firstSeen() - kill >= 0).toList();
    }

    private static boolean allGone(List<PreparedWatcher.Seen> seen, Set<Long> begunBeforeKill, long kill) {
        return inDoubtAtKill(seen, kill).stream().allMatch(s -> s.goneAt() != 0)
                && preparedAfterKill(seen, begunBeforeKill, kill).stream().allMatch(s -> s.goneAt() != 0);
    }

    /** From the kill until the last of {@code branches} left pg_prepared_xacts; null when none, or one is still there. */
    private static Duration lastGone(List<PreparedWatcher.Seen> branches, long kill) {
        if (branches.isEmpty() || branches.stream().anyMatch(s -> s.goneAt() == 0)) {
            return null;
        }
        return Duration.ofNanos(branches.stream().mapToLong(PreparedWatcher.Seen::goneAt).max().getAsLong() - kill);
    }

    /** Each survivor's own view of the group and the end of its log, while no leader is seen. */
    private void describeSurvivors(String killed) {
        for (ManagedProcess node : topology.coordinators()) {
            if (node.nodeId().equals(killed)) {
                continue;
            }
            String view;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(node.url().resolve("/v1/cluster"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                view = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                view = "no answer: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            diagnostics.accept("no new leader seen; " + node.nodeId() + " (running " + node.running() + ") says "
                    + view + "\n--- last 80 lines of " + node.logFile() + ":\n" + node.logTail(80));
        }
    }

    /** Polls the surviving nodes until one names a leader other than {@code killed}: {nodeId, nanoTime}. */
    private String[] awaitNewLeader(String killed, long deadline) throws InterruptedException {
        List<URI> survivors = topology.coordinators().stream().filter(c -> !c.nodeId().equals(killed))
                .map(c -> c.url().resolve("/v1/cluster")).toList();
        while (System.nanoTime() - deadline < 0) {
            for (URI url : survivors) {
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMillis(300))
                            .GET().build(), HttpResponse.BodyHandlers.ofString());
                    Matcher m = LEADER.matcher(response.body());
                    if (response.statusCode() == 200 && m.find() && !m.group(1).equals(killed)) {
                        return new String[] {m.group(1), Long.toString(System.nanoTime())};
                    }
                } catch (IOException e) {
                    // not answering yet: ask the next one
                }
            }
            Thread.sleep(10); // poll interval
        }
        return new String[] {"none", "0"};
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
