package dev.verdict.bank.chaos;

import dev.verdict.bank.chaos.check.BankChecker;
import dev.verdict.bank.chaos.check.FinalState;
import dev.verdict.bank.chaos.check.Violation;
import dev.verdict.bank.chaos.cluster.ChaosCluster;
import dev.verdict.bank.chaos.history.Call;
import dev.verdict.bank.chaos.history.History;
import dev.verdict.bank.chaos.history.Op;
import dev.verdict.bank.chaos.history.TxReading;
import dev.verdict.bank.chaos.nemesis.FaultWindow;
import dev.verdict.bank.chaos.nemesis.Nemesis;
import dev.verdict.bank.chaos.nemesis.NemesisSchedule;
import dev.verdict.bank.chaos.report.BankPlot;
import dev.verdict.bank.chaos.report.RunSummary;
import dev.verdict.bank.demo.ShardDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jepsen-style run of the bank: start the topology, run the clients, let the nemesis do its schedule, heal,
 * wait for recovery, then check the history and the final state of the shards and write the summary, the plot and
 * the history.
 *
 * <ol>
 * <li>The seed and the schedule are printed first.</li>
 * <li>After every fault the whole cluster must be healthy again within {@link #RECOVERY_TIMEOUT}, else the nemesis
 * stops there ({@link Violation.Rule#NO_RECOVERY}). After the last fault is healed, some transfer must commit
 * within {@link #RECOVERY_BOUND} (also {@link Violation.Rule#NO_RECOVERY}); the clients run {@link #SETTLE} more,
 * then stop.</li>
 * <li>{@code pg_prepared_xacts} is read {@link #PREPARED_DEADLINE} after the last fault ended (and no sooner than
 * {@link #AFTER_CLIENTS} after the last client call ended).</li>
 * <li>The coordinator's decision of every transaction whose outcome is unknown, and of a sample of the others, is
 * read at the end (recorded in the history like any status read).</li>
 * </ol>
 */
public final class BankChaosRun {

    private static final Logger log = LoggerFactory.getLogger(BankChaosRun.class);

    static final Duration RECOVERY_BOUND = Duration.ofMinutes(3);
    /** How long the nemesis waits for every process to be healthy again after a fault. */
    static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(4);
    static final Duration SETTLE = Duration.ofSeconds(10);
    static final Duration PREPARED_DEADLINE = Duration.ofSeconds(30);
    static final Duration AFTER_CLIENTS = Duration.ofSeconds(10);
    static final int FINAL_READ_SAMPLE = 3_000;
    /** The final decision reads take seconds; when the coordinators do not answer, the run moves on after this. */
    static final Duration FINAL_READS_BOUND = Duration.ofMinutes(3);
    /**
     * The audit is one global transaction holding FOR SHARE locks on every account; with transfers hammering few
     * accounts its default patience (1 s per shard, 5 attempts) lets most audits give up. A bit more patience gives
     * the checker more audits to check.
     */
    static final Map<String, String> GATEWAY_PROPERTIES = Map.of(
            "bank.audit.lock-timeout", "3s",
            "bank.audit.attempts", "8");

    /**
     * Snapshots far more often than the default (every 10,000 entries), so a run takes many and the leaders purge
     * their logs behind them: a node killed or cut off meanwhile may then be sent a snapshot when it returns, a
     * path a short run otherwise never took (docs/chaos.md, "What the suite found"). A node that could not load one
     * would fail its health check and the run would report {@code NO_RECOVERY}.
     */
    static final Map<String, String> COORDINATOR_PROPERTIES = Map.of("verdict.coordinator.snapshot-threshold", "500");

    /** What a run produced. */
    public record Outcome(ChaosConfig config, NemesisSchedule schedule, List<FaultWindow> faults,
                          BankChecker.Report report, RunSummary summary, Path reportDirectory) {
    }

    private BankChaosRun() {
    }

    /**
     * Runs it within the config's budget; a run that overruns it fails (seed, phase, thread dumps) instead of
     * hanging until the fork is killed.
     */
    public static Outcome run(ChaosConfig config) {
        Path reportDirectory = config.reportDirectory().toAbsolutePath().resolve(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now()) + "-seed" + config.seed());
        RunBudget budget = new RunBudget(config.budget(), config.seed(), reportDirectory);
        Outcome outcome = null;
        RuntimeException failure = null;
        try {
            outcome = run(config, reportDirectory, budget);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            budget.close(); // after this the watchdog no longer acts
        }
        if (budget.overrunMessage() != null) {
            Thread.interrupted(); // the watchdog's interrupt has done its job
            throw new AssertionError(budget.overrunMessage(), failure);
        }
        if (failure != null) {
            throw failure;
        }
        return outcome;
    }

    private static Outcome run(ChaosConfig config, Path reportDirectory, RunBudget budget) {
        NemesisSchedule.Spec spec = config.longRun() ? NemesisSchedule.Spec.longRun(config.duration())
                : NemesisSchedule.Spec.shortRun(config.minFaults());
        NemesisSchedule schedule = NemesisSchedule.generate(config.seed(), spec);
        String banner = "verdict chaos run, seed " + config.seed() + " (rerun: -Dverdict.chaos.seed=" + config.seed() + ")";
        System.out.println(banner);
        System.out.print(schedule.describe());
        log.info("{}\n{}", banner, schedule.describe());

        Instant startedAt = Instant.now();
        long wallStart = System.nanoTime();
        Path work;
        try {
            Files.createDirectories(reportDirectory);
            work = Files.createTempDirectory("verdict-chaos");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChaosCluster.Spec clusterSpec = new ChaosCluster.Spec(3, 2, config.accounts(), config.initialBalance(), work,
                ChaosCluster.DEFAULT_JVM_OPTIONS, COORDINATOR_PROPERTIES, Map.of(), GATEWAY_PROPERTIES, true, Map.of(),
                Duration.ofMinutes(8));
        Map<String, Long> seeded = new LinkedHashMap<>();
        for (long id = 1; id <= config.accounts(); id++) {
            seeded.put(Long.toString(id), config.initialBalance());
        }
        boolean valid = false;
        budget.phase("starting 3 coordinators, 2 shards, 2 agents and the gateway (budget " + config.budget() + ")");
        try (ChaosCluster cluster = ChaosCluster.start(clusterSpec)) {
            budget.watch(cluster);
            History history = History.start();
            BankClient client = new BankClient(history, cluster.gatewayUrl(), Duration.ofMinutes(2), Duration.ofSeconds(15));
            Nemesis nemesis = new Nemesis(cluster, history::now, RECOVERY_TIMEOUT);
            List<Violation> found = new ArrayList<>();
            List<FaultWindow> faults;
            long lastFaultEnd;
            try (Workload workload = new Workload(cluster, client, config.clients(), config.seed())) {
                workload.start();
                budget.phase("clients started; waiting for the first commit");
                awaitCommit(workload, 0, RECOVERY_BOUND, "before the first fault");
                budget.phase("the nemesis runs " + schedule.faults().size() + " faults");
                faults = nemesis.run(schedule);
                nemesis.unrecovered().forEach(why -> found.add(new Violation(Violation.Rule.NO_RECOVERY,
                        "the cluster did not recover within " + RECOVERY_TIMEOUT + " " + why)));
                budget.phase("healing everything");
                nemesis.healAll();
                lastFaultEnd = history.now();
                long healedNanos = System.nanoTime();
                budget.phase("waiting for a commit after the faults");
                if (!awaitCommit(workload, healedNanos, RECOVERY_BOUND, "after the faults stopped")) {
                    found.add(new Violation(Violation.Rule.NO_RECOVERY, "no transfer committed within "
                            + RECOVERY_BOUND + " after the last fault was healed"));
                }
                budget.phase("settling, then stopping the clients");
                pause(SETTLE);
            }
            long clientsDone = history.now();
            long checkAt = Math.max(lastFaultEnd + PREPARED_DEADLINE.toNanos(), clientsDone + AFTER_CLIENTS.toNanos());
            budget.phase("waiting for the 30 s rule, then reading pg_prepared_xacts");
            pause(Duration.ofNanos(Math.max(0, checkAt - history.now())));
            List<String> prepared = preparedGids(cluster);
            log.info("prepared GIDs {} s after the last fault: {}", (history.now() - lastFaultEnd) / 1_000_000_000L, prepared);

            budget.phase("final audit and final state");
            client.audit(900);
            FinalState finalState = readFinalState(cluster, prepared);
            budget.phase("reading the final decisions");
            int unread = finalReads(cluster, client, history.ops(), finalState, config.seed());

            budget.phase("checking the history");
            List<Op> ops = history.ops();
            BankChecker.Report report = BankChecker.check(seeded, ops, finalState, found);
            valid = report.valid();
            List<String> notes = new ArrayList<>(nemesis.notes());
            notes.add(String.format("prepared transactions read %.1f s after the last fault ended",
                    (checkAt - lastFaultEnd) / 1e9));
            notes.add(networkStats(cluster));
            if (unread > 0) {
                notes.add(unread + " final decision reads were not made: the coordinators did not answer them all within "
                        + FINAL_READS_BOUND);
            }
            String title = (config.longRun() ? "Long" : "Short") + " chaos run of the bank, seed " + config.seed();
            RunSummary summary = new RunSummary(title, config.seed(), startedAt,
                    Duration.ofNanos(System.nanoTime() - wallStart),
                    "3 coordinator JVMs, 2 PostgreSQL shards (fsync on), 2 shard agents, the gateway; "
                            + config.clients() + " transfer clients, 1 auditor, 2 status readers; " + config.accounts()
                            + " accounts of " + config.initialBalance(), faults, report, notes);
            summary.write(reportDirectory.resolve("summary.md"));
            history.write(reportDirectory.resolve("history.txt"));
            Files.writeString(reportDirectory.resolve("schedule.txt"), schedule.describe());
            try {
                BankPlot.write(reportDirectory.resolve("plot.png"), title, ops, faults, clusterSpec.expectedTotal());
            } catch (RuntimeException | Error e) {
                log.warn("no plot: {}", e.toString());
            }
            System.out.println(summary.markdown());
            System.out.println("chaos run report: " + reportDirectory);
            return new Outcome(config, schedule, faults, report, summary, reportDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!valid) {
                copyLogs(work.resolve("logs"), reportDirectory.resolve("logs"));
            }
            ChaosCluster.deleteRecursively(work);
        }
    }

    /** Waits until a transfer commits after {@code afterNanos}; false if none does within {@code bound}. */
    private static boolean awaitCommit(Workload workload, long afterNanos, Duration bound, String when) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (workload.lastCommitNanos() == 0 || workload.lastCommitNanos() - afterNanos < 0) {
            if (System.nanoTime() - deadline > 0) {
                log.warn("no transfer committed within {} {}", bound, when);
                return false;
            }
            pause(Duration.ofMillis(200));
        }
        return true;
    }

    private static List<String> preparedGids(ChaosCluster cluster) {
        List<String> gids = new ArrayList<>();
        for (ShardDatabase db : cluster.databases()) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts ORDER BY gid")) {
                while (rs.next()) {
                    gids.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read pg_prepared_xacts of " + db, e);
            }
        }
        return gids;
    }

    private static FinalState readFinalState(ChaosCluster cluster, List<String> prepared) {
        Map<String, Long> balances = new LinkedHashMap<>();
        List<FinalState.LedgerRow> ledger = new ArrayList<>();
        for (ShardDatabase db : cluster.databases()) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT id, balance FROM accounts ORDER BY id")) {
                    while (rs.next()) {
                        balances.put(Long.toString(rs.getLong(1)), rs.getLong(2));
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT transfer_id, account_id, delta, tx_id FROM ledger ORDER BY id")) {
                    while (rs.next()) {
                        ledger.add(new FinalState.LedgerRow(rs.getString(1), Long.toString(rs.getLong(2)),
                                rs.getLong(3), rs.getLong(4)));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the final state of " + db, e);
            }
        }
        return new FinalState(balances, ledger, prepared);
    }

    /**
     * Reads the coordinator's decision of every transfer whose outcome the client never learned, of every
     * transaction in the ledger (up to a sample) and of a sample of the rest, at the leader, for at most
     * {@link #FINAL_READS_BOUND}; returns how many were not read in that time.
     */
    private static int finalReads(ChaosCluster cluster, BankClient client, List<Op> ops, FinalState finalState, long seed) {
        Set<Long> unknown = new LinkedHashSet<>();
        List<Long> others = new ArrayList<>();
        for (Op op : ops) {
            if (op.call() instanceof Call.Transfer && op.txId() != null) {
                if (op.outcome() == dev.verdict.bank.chaos.history.Outcome.OK) {
                    others.add(op.txId());
                } else {
                    unknown.add(op.txId());
                }
            }
        }
        finalState.ledger().forEach(row -> others.add(row.txId()));
        Collections.shuffle(others, new Random(seed));
        Set<Long> toRead = new LinkedHashSet<>(unknown);
        for (Long txId : others) {
            if (toRead.size() >= unknown.size() + FINAL_READ_SAMPLE) {
                break;
            }
            toRead.add(txId);
        }
        String leader = cluster.awaitLeader(Duration.ofMinutes(2));
        Semaphore inFlight = new Semaphore(8);
        long deadline = System.nanoTime() + FINAL_READS_BOUND.toNanos();
        AtomicInteger unread = new AtomicInteger();
        try (ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor()) {
            int process = 10_000;
            for (long txId : toRead) {
                int p = process++;
                reads.submit(() -> {
                    inFlight.acquireUninterruptibly();
                    try {
                        if (System.nanoTime() - deadline > 0) {
                            unread.incrementAndGet();
                            return;
                        }
                        for (int attempt = 0; attempt < 3; attempt++) {
                            TxReading seen = client.status(p, leader, cluster.coordinatorUrl(leader), txId);
                            if (seen != null) {
                                return;
                            }
                        }
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        log.info("read the final decision of {} transactions ({} with an unknown outcome, {} not read in time)",
                toRead.size() - unread.get(), unknown.size(), unread.get());
        return unread.get();
    }

    /** What the 18 proxies carried: connections, resets (cuts and duplication starts) and duplicated bytes. */
    private static String networkStats(ChaosCluster cluster) {
        long connections = 0;
        long resets = 0;
        long bytes = 0;
        long duplicated = 0;
        for (var link : cluster.network().links()) {
            var stats = link.proxy().stats();
            connections += stats.connections();
            resets += stats.resets();
            bytes += stats.bytesUp() + stats.bytesDown();
            duplicated += stats.bytesDuplicated();
        }
        return String.format("the %d link proxies carried %d connections and %.1f MB, reset %d connections, "
                + "and duplicated %.1f kB of requests", cluster.network().links().size(), connections, bytes / 1e6,
                resets, duplicated / 1e3);
    }

    private static void copyLogs(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.warn("cannot copy the logs: {}", e.toString());
        }
    }

    /** A deliberate wait (settling time, the 30 s rule), not a condition wait. */
    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
