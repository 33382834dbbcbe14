package dev.verdict.bank.bench;

import dev.verdict.bank.demo.DemoTopology;
import dev.verdict.bank.demo.ManagedProcess;
import dev.verdict.bank.demo.ShardDatabase;
import dev.verdict.bank.demo.TopologySpec;
import dev.verdict.bank.gateway.ShardClient;
import dev.verdict.bank.loadgen.Audit;
import dev.verdict.bank.loadgen.GatewayClient;
import dev.verdict.bank.loadgen.LoadResult;
import dev.verdict.bank.loadgen.LoadRunner;
import dev.verdict.bank.loadgen.ReportFormatter;
import dev.verdict.bank.loadgen.Transfer;
import dev.verdict.bank.loadgen.TransferExecutor;
import dev.verdict.bank.loadgen.TransferWorkload;
import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.coordinator.CoordinatorCluster;
import dev.verdict.participant.coordinator.CoordinatorClusterFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.client.RestClient;

/**
 * {@code BankMain bench}: in one run, on the same two durable embedded PostgreSQL shards, 3 coordinator nodes and
 * 2 shard agents (started through the demo's {@link DemoTopology}), measures the bank workload (a random amount
 * between random accounts on different shards) in the modes of {@link BenchOptions#USAGE} at each number of
 * clients, checks the bank's invariant after each mode, and prints the table and the comparisons against the
 * targets of issue 5.
 */
public final class Benchmark {

    private static final Pattern COMMIT_INDEX = Pattern.compile("\"commitIndex\"\\s*:\\s*(\\d+)");

    /** Everything one run measured. */
    public record Result(List<ModeRun> runs, List<FailoverResult> failovers, List<String> invariantViolations,
            Audit finalAudit, String report, List<Path> jfrFiles) {

        public boolean invariantsHeld() {
            return invariantViolations.isEmpty() && (finalAudit == null || finalAudit.holds());
        }
    }

    private final BenchOptions options;
    private final PrintStream out;
    private final List<ModeRun> runs = new ArrayList<>();
    private final List<FailoverResult> failovers = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> breakdowns = new ArrayList<>();
    private final List<Path> jfrFiles = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private Benchmark(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(1);
            return;
        }
        try {
            Result result = run(options, System.out);
            System.exit(result.invariantsHeld() ? 0 : 2);
        } catch (Exception e) {
            System.err.println("bench: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs the benchmark, prints progress and the report on {@code out}. */
    public static Result run(BenchOptions options, PrintStream out) throws Exception {
        return new Benchmark(options, out).run();
    }

    /** For tests and scripts: the options given as {@code --name=value} strings. */
    public static Result run(PrintStream out, String... args) throws Exception {
        return run(BenchOptions.parse(args), out);
    }

    /** The topology the benchmark needs: the demo's, sized for the clients and with the benchmark's JVM options. */
    static TopologySpec topologySpec(BenchOptions options) {
        int clientsNeeded = Math.max(options.maxClients(),
                options.modes().contains(Modes.FAILOVER) ? options.failoverClients() : 0);
        return TopologySpec.builder()
                .accounts(options.accounts())
                .initialBalance(options.initialBalance())
                .controlApi(false)
                .jvmOptions(options.jvmOptions())
                // the product's election timeout, not the demo's longer one: failover is measured as shipped
                .coordinatorProperty("verdict.coordinator.election-timeout-min", options.electionTimeoutMin().toMillis() + "ms")
                .coordinatorProperty("verdict.coordinator.election-timeout-max", options.electionTimeoutMax().toMillis() + "ms")
                // every open branch pins a pooled connection: one per concurrent transfer, plus the agent's own use
                .shardProperty("spring.datasource.hikari.maximum-pool-size", Integer.toString(clientsNeeded + 16))
                .declarationSeals(options.declarationSeals())
                // agents' pools, the JDBC modes' connections (one per client) and the checks
                .maxConnections(Math.max(100, 2 * clientsNeeded + 40))
                .dataDirectory(options.dataDirectory())
                // seven JVMs and two initdb on a busy 2-core machine can take minutes
                .startTimeout(Duration.ofMinutes(10))
                .build();
    }

    /**
     * Runs the benchmark on a topology started (and stopped) by someone else, e.g. a test that also runs the load
     * generator on it. It must be {@link #topologySpec}'s (same accounts and balance, durable shards).
     */
    public static Result run(BenchOptions options, PrintStream out, DemoTopology bank) throws Exception {
        return new Benchmark(options, out).runOn(bank, Machine.describe(), Instant.now());
    }

    private Result run() throws Exception {
        String machineBefore = Machine.describe();
        Instant started = Instant.now();
        out.println("bench: " + machineBefore);
        out.println("bench: starting 3 coordinators, 2 PostgreSQL shards, 2 agents and the gateway ...");
        long startNanos = System.nanoTime();
        try (DemoTopology bank = DemoTopology.start(topologySpec(options))) {
            out.printf("bench: topology up in %.1f s (data in %s)%n", (System.nanoTime() - startNanos) / 1e9, bank.dataDirectory());
            return runOn(bank, machineBefore, started);
        }
    }

    private Result runOn(DemoTopology bank, String machineBefore, Instant started) throws Exception {
        out.printf("bench: modes %s, clients %s, %s each after a %s warm-up, seed %d%n", options.modes(),
                options.clients(), options.duration(), options.warmup(), options.seed());
        List<ShardDb> shards = bank.databases().stream()
                .map(db -> new ShardDb(db.shard(), db.jdbcUrl(), "postgres", "")).toList();
        long expectedTotal = bank.expectedTotal();
        // the topology's bank, which is the options' unless the caller started it
        InvariantCheck invariants = new InvariantCheck(shards, bank.spec().initialBalance());
        TransferWorkload workload = new TransferWorkload(TransferWorkload.accountRange(1, bank.spec().accounts()),
                bank.spec().shards(), options.maxAmount(), 0, 0, true);
        List<ShardClient> shardClients = VerdictTransfers.shardClients(bank.agentUrls());
        accounts = bank.spec().accounts();
        java.util.Map<String, java.util.function.Supplier<List<Long>>> groups = new java.util.LinkedHashMap<>();
        groups.put("coordinators", () -> pids(bank.coordinators()));
        groups.put("agents", () -> pids(bank.agents()));
        groups.put("gateway", () -> pids(List.of(bank.gateway())));
        groups.put("postgres", () -> bank.databases().stream().map(ShardDatabase::postmasterPid)
                .filter(java.util.OptionalLong::isPresent).map(java.util.OptionalLong::getAsLong).toList());
        cpu = new CpuMeter(groups);
        shardActivity = new ShardActivity(shards);
        warmUpAll(bank, workload, shardClients);
        for (String mode : options.modes()) {
            if (mode.equals(Modes.FAILOVER)) {
                continue;
            }
            GlobalTransactions client = client(bank);
            boolean profile = options.jfrDirectory() != null && mode.equals(Modes.VERDICT);
            List<ManagedProcess> profiled = new ArrayList<>(bank.coordinators());
            profiled.addAll(bank.agents());
            if (profile) {
                Jfr.start(profiled);
            }
            for (int clients : options.clients()) {
                measure(bank, mode, clients, shards, workload, client, shardClients);
            }
            if (profile) {
                List<Path> recorded = Jfr.stop(profiled, options.jfrDirectory(), mode);
                jfrFiles.addAll(recorded);
                out.println("bench: JFR recordings " + recorded);
                out.println(JfrSummary.summarize(recorded, 15));
            }
            check(invariants, expectedTotal, "after " + mode);
        }
        if (options.modes().contains(Modes.FAILOVER)) {
            for (int round = 1; round <= options.failoverRounds(); round++) {
                if (round > 1) {
                    settleAfterRestart(bank, workload, shardClients);
                }
                GlobalTransactions client = client(bank);
                FailoverRun failover = new FailoverRun(bank, shards,
                        listener -> new VerdictTransfers(client, shardClients, options.transferTimeout(), options.votesOnLastCall(), listener), workload,
                        line -> out.println("bench: " + line));
                FailoverResult result = failover.once(options.failoverClients(), options.failoverRate(),
                        options.failoverBefore(), options.failoverAfter(), options.seed() + round, Duration.ofSeconds(30));
                failovers.add(result);
                out.println("bench: " + BenchReport.describe(result));
            }
            check(invariants, expectedTotal, "after failover");
        }
        Audit audit;
        try (GatewayClient gateway = new GatewayClient(bank.gatewayUrl(), Duration.ofSeconds(2), Duration.ofSeconds(30))) {
            audit = gateway.audit();
        }
        out.println("bench: gateway " + ReportFormatter.formatAudit(audit));
        String report = report(machineBefore, started, audit, bank);
        out.println();
        out.print(report);
        if (options.report() != null) {
            Path file = options.report().toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.writeString(file, report);
            out.println("bench: report written to " + file);
        }
        return new Result(List.copyOf(runs), List.copyOf(failovers), List.copyOf(violations), audit, report,
                List.copyOf(jfrFiles));
    }

    /**
     * Verdict transfers (and gateway ones, when that mode runs), unmeasured, before anything is measured: the child
     * JVMs start cold, and at a few transfers per second their JIT compiles the hot paths for minutes, on the same
     * two cores the measurement needs.
     */
    private void warmUpAll(DemoTopology bank, TransferWorkload workload, List<ShardClient> shardClients) throws Exception {
        Duration total = options.warmupAll();
        if (total.isZero() || total.isNegative() || options.modes().stream().noneMatch(m -> m.startsWith("verdict")
                || m.equals(Modes.RAFT_WRITE) || m.equals(Modes.FAILOVER))) {
            return;
        }
        boolean gateway = options.modes().contains(Modes.VERDICT_GATEWAY);
        Duration part = gateway ? total.dividedBy(2) : total;
        long done = unmeasuredVerdictTransfers(bank, workload, shardClients, part, options.seed() - 1);
        if (gateway) {
            try (GatewayClient through = new GatewayClient(bank.gatewayUrl(), Duration.ofSeconds(2),
                    options.transferTimeout().plusSeconds(5))) {
                done += LoadRunner.run(LoadRunner.Settings.closedLoop(8, Duration.ZERO, part, options.seed() - 2),
                        workload::next, through).committed();
            }
        }
        out.printf("bench: JIT warm-up: %d verdict transfers in %s%n", done, total);
    }

    /**
     * The previous round restarted the node it killed: a cold JVM that catches up and compiles on the same two
     * cores. Measured at once, the next round timed that overload rather than the failover (docs/benchmarks.md,
     * run 3).
     */
    private void settleAfterRestart(DemoTopology bank, TransferWorkload workload, List<ShardClient> shardClients) {
        Duration settle = options.failoverSettle();
        if (settle.isZero()) {
            return;
        }
        long done = unmeasuredVerdictTransfers(bank, workload, shardClients, settle, options.seed() - 3);
        out.printf("bench: failover settle: %d verdict transfers in %s%n", done, settle);
    }

    /** Verdict transfers at 8 clients for {@code duration}, measured by nobody; returns how many committed. */
    private long unmeasuredVerdictTransfers(DemoTopology bank, TransferWorkload workload, List<ShardClient> shardClients,
            Duration duration, long seed) {
        return LoadRunner.run(LoadRunner.Settings.closedLoop(8, Duration.ZERO, duration, seed), workload::next,
                new VerdictTransfers(client(bank), shardClients, options.transferTimeout(), options.votesOnLastCall(), (txId, at) -> { })).committed();
    }

    private void measure(DemoTopology bank, String mode, int clients, List<ShardDb> shards, TransferWorkload workload,
            GlobalTransactions client, List<ShardClient> shardClients) throws Exception {
        Function<RandomGenerator, Transfer> source = mode.equals(Modes.LOCAL) ? workload::nextSameShard : workload::next;
        LoadRunner.Settings settings = new LoadRunner.Settings(clients, options.warmup(), options.duration(),
                options.rate(), options.seed() + clients).withTransfers(options.transfers());
        long indexBefore = commitIndex(bank);
        CpuMeter.Sample cpuBefore = cpu.sample();
        ShardActivity.Sample shardsBefore = shardActivity.sample();
        LoadResult result;
        RaftWrites raftWrites = null;
        switch (mode) {
            case Modes.LOCAL -> {
                try (ShardConnections connections = new ShardConnections(shards, clients)) {
                    result = LoadRunner.run(settings, source, new LocalTransfers(connections));
                }
            }
            case Modes.RAW_2PC -> {
                try (ShardConnections connections = new ShardConnections(shards, clients);
                        RawTwoPhaseTransfers executor = new RawTwoPhaseTransfers(connections)) {
                    result = LoadRunner.run(settings, source, executor);
                }
            }
            case Modes.RAFT_WRITE -> {
                raftWrites = new RaftWrites(client, options.transferTimeout().plus(options.warmup()).plus(options.duration()));
                result = LoadRunner.run(settings, source, raftWrites);
            }
            case Modes.VERDICT -> {
                VerdictTransfers verdict = new VerdictTransfers(client, shardClients, options.transferTimeout(),
                        options.votesOnLastCall(), (txId, at) -> { }, options.warmup());
                result = LoadRunner.run(settings, source, verdict);
                String steps = java.util.Arrays.stream(VerdictTransfers.Step.values())
                        .map(step -> String.format(Locale.ROOT, "%s %s / %s", step.label,
                                ReportFormatter.ms(verdict.stepMillis(step, 50)), ReportFormatter.ms(verdict.stepMillis(step, 90))))
                        .collect(java.util.stream.Collectors.joining(", "));
                breakdowns.add("verdict at " + clients + " clients, p50 / p90 ms per step: " + steps);
                out.println("bench: " + breakdowns.getLast());
            }
            case Modes.VERDICT_GATEWAY -> {
                try (GatewayClient gateway = new GatewayClient(bank.gatewayUrl(), Duration.ofSeconds(2),
                        options.transferTimeout().plusSeconds(5))) {
                    result = LoadRunner.run(settings, source, gateway);
                }
            }
            default -> throw new IllegalArgumentException("not a measured mode: " + mode);
        }
        long indexAfter = commitIndex(bank);
        CpuMeter.Usage usage = CpuMeter.usage(cpuBefore, cpu.sample());
        ShardActivity.Sample shardsAfter = shardActivity.sample();
        if (raftWrites != null) {
            // outside the measurement: the begun transactions are aborted, so none waits for its deadline
            long failed = raftWrites.abortAll(8);
            if (failed > 0) {
                notes.add(mode + " at " + clients + " clients: " + failed + " begun transactions not aborted (their deadline will)");
            }
        }
        long logEntries = indexBefore < 0 || indexAfter < indexBefore ? -1 : indexAfter - indexBefore;
        ModeRun run = new ModeRun(mode, clients, result, logEntries, options.warmup().plus(result.elapsed()), usage);
        runs.add(run);
        out.printf(Locale.ROOT, "bench: %-15s %3d clients: %8.1f tx/s  p50 %s  p90 %s  p99 %s ms  committed %d  other %d  errors %d%s%s  others' CPU %.2f cores%n",
                mode, clients, run.txPerSecond(), ReportFormatter.ms(run.p50()), ReportFormatter.ms(run.p90()),
                ReportFormatter.ms(run.p99()), result.committed(), result.total() - result.committed() - result.errors(),
                result.errors(), result.errors() == 0 ? "" : " (" + ReportFormatter.errorsByKind(result) + ")",
                logEntries <= 0 ? "" : String.format(Locale.ROOT, "  Raft entries %d (%.0f/s)", logEntries,
                        run.logEntriesPerSecond()), run.othersCores());
        if (!usage.cores().isEmpty()) {
            String perGroup = usage.cores().entrySet().stream().filter(e -> !e.getKey().equals(CpuMeter.OTHERS))
                    .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), run.cpuMillisPerTransfer(e.getKey())))
                    .collect(java.util.stream.Collectors.joining(", "));
            String line = String.format(Locale.ROOT, "%s at %d clients, CPU ms per committed transfer: %.1f (%s)",
                    mode, clients, run.cpuMillisPerTransfer(), perGroup);
            cpuLines.add(line);
            out.println("bench: " + line);
        }
        String shardWork = ShardActivity.perTransfer(shardsBefore, shardsAfter, run.window().toNanos() / 1e9, run.txPerSecond());
        if (!shardWork.isEmpty()) {
            shardLines.add(String.format(Locale.ROOT, "%s at %d clients, the shards per committed transfer: %s", mode, clients, shardWork));
            out.println("bench: " + shardLines.getLast());
        }
    }

    private long commitIndex(DemoTopology bank) {
        for (ManagedProcess node : bank.coordinators()) {
            if (!node.running()) {
                continue;
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(node.url().resolve("/v1/cluster"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                Matcher m = COMMIT_INDEX.matcher(response.body());
                if (response.statusCode() == 200 && m.find()) {
                    return Long.parseLong(m.group(1));
                }
            } catch (IOException e) {
                // ask the next node
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /**
     * The starter's client on the 3 coordinator nodes, the current leader first (no follower hop for the client),
     * or with {@code --client-first=follower} a follower first.
     */
    private GlobalTransactions client(DemoTopology bank) {
        ManagedProcess leader = bank.awaitLeader(Duration.ofSeconds(60));
        List<URI> urls = new ArrayList<>();
        bank.coordinators().stream().filter(c -> c != leader).map(ManagedProcess::url).forEach(urls::add);
        urls.add(options.clientFirst().equals("leader") ? 0 : urls.size(), leader.url());
        CoordinatorCluster cluster = CoordinatorClusterFactory.create(RestClient.builder(), urls, Duration.ofSeconds(2),
                Duration.ofSeconds(30));
        return new GlobalTransactions(cluster, options.transferTimeout(), Duration.ofSeconds(30), Clock.systemUTC(),
                options.deferredBegins(), options.leasedIds());
    }

    private void check(InvariantCheck invariants, long expectedTotal, String when) throws Exception {
        InvariantCheck.Result result = invariants.check(expectedTotal, Duration.ofSeconds(30));
        out.printf("bench: invariant %s: %s (prepared drained in %d ms)%n", when, result.describe(),
                result.preparedDrainedAfter().toMillis());
        if (!result.holds()) {
            violations.add(when + ": " + result.describe());
        }
        checks.add(when + ": " + result.describe());
    }

    private final List<String> checks = new ArrayList<>();

    private int accounts;
    private CpuMeter cpu;
    private final List<String> cpuLines = new ArrayList<>();
    private ShardActivity shardActivity;
    private final List<String> shardLines = new ArrayList<>();

    private static List<Long> pids(List<ManagedProcess> processes) {
        return processes.stream().map(ManagedProcess::pid).filter(java.util.OptionalLong::isPresent)
                .map(java.util.OptionalLong::getAsLong).toList();
    }

    private String report(String machineBefore, Instant started, Audit audit, DemoTopology bank) {
        StringBuilder md = new StringBuilder();
        md.append("Run of ").append(started).append(" (").append(Duration.between(started, Instant.now()).toSeconds())
                .append(" s)\n\n");
        md.append("- machine: ").append(machineBefore).append('\n');
        md.append("- load average at the end: ").append(Machine.loadAverage()).append('\n');
        md.append("- options: modes ").append(options.modes()).append(", clients ").append(options.clients())
                .append(", ").append(options.duration()).append(" each after ").append(options.warmup()).append(" warm-up, ")
                .append(accounts).append(" accounts, amounts 1..").append(options.maxAmount())
                .append(", child JVMs ").append(String.join(" ", options.jvmOptions())).append(", seed ")
                .append(options.seed()).append(", client first at the ").append(options.clientFirst())
                .append(options.rate() > 0 ? String.format(Locale.ROOT, ", %.0f transfers/s started", options.rate()) : "")
                .append(", election timeout ")
                .append(bank.spec().coordinatorProperties().getOrDefault("verdict.coordinator.election-timeout-min", "?")).append('-')
                .append(bank.spec().coordinatorProperties().getOrDefault("verdict.coordinator.election-timeout-max", "?"))
                .append('\n');
        md.append('\n').append(BenchReport.table(runs)).append('\n');
        for (String line : BenchReport.comparisons(runs, failovers)) {
            md.append("- ").append(line).append('\n');
        }
        for (String line : breakdowns) {
            md.append("- ").append(line).append('\n');
        }
        for (String line : cpuLines) {
            md.append("- ").append(line).append('\n');
        }
        for (String line : shardLines) {
            md.append("- ").append(line).append('\n');
        }
        md.append('\n');
        for (String line : checks) {
            md.append("- invariant ").append(line).append('\n');
        }
        md.append("- gateway ").append(ReportFormatter.formatAudit(audit)).append('\n');
        for (String note : notes) {
            md.append("- note: ").append(note).append('\n');
        }
        return md.toString();
    }
}
