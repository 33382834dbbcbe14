package dev.verdict.bank.bench;

import dev.verdict.bank.loadgen.CommandLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's options; see {@link #USAGE}.
 */
record BenchOptions(List<String> modes, List<Integer> clients, Duration duration, Duration warmup, int accounts,
        long initialBalance, long maxAmount, List<String> jvmOptions, Path jfrDirectory, Path report, Path dataDirectory,
        int failoverRounds, int failoverClients, double failoverRate, Duration failoverBefore, Duration failoverAfter,
        Duration transferTimeout, long seed, long transfers, Duration electionTimeoutMin, Duration electionTimeoutMax,
        Duration warmupAll, Duration failoverSettle, boolean declarationSeals, String clientFirst,
        boolean votesOnLastCall, boolean deferredBegins, boolean leasedIds, double rate) {

    static final List<String> CLIENT_FIRST = List.of("leader", "follower");

    /**
     * A fixed small heap, the serial collector (no GC threads fighting for 2 cores) and the full JIT, as in
     * production. On 2 cores the compiler threads stay the top CPU users for minutes, hence the long default
     * {@code --warmup-all}: measured after 30 s instead, verdict reached less than half its steady-state rate
     * (docs/benchmarks.md, runs 1 and 2).
     */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC");

    static final String USAGE = """
            bench: the bank workload in several modes on the same two durable PostgreSQL shards, 3 coordinator
            nodes and 2 shard agents (all started here, on free ports, data in a temp directory).
              --modes=local,raw-2pc,raft-write,verdict,failover
                         local            debit+credit as one local transaction on one database
                         raw-2pc          PREPARE TRANSACTION on both shards, then COMMIT PREPARED (JDBC, no log)
                         raft-write       one begin on the coordinator (one Raft entry) through the starter's client
                         verdict          begin, debit and credit on the agents, commit (the starter's client)
                         verdict-gateway  the same through the bank gateway's POST /api/transfers
                         failover         verdict at a steady rate, the leader killed mid-run
              --clients=1,8,32           concurrent clients, one measurement per value
              --duration=10s             measured time of each (mode, clients)
              --warmup=3s                unmeasured run before each measurement
              --warmup-all=5m            before any mode: verdict transfers (and gateway ones if that mode runs) at
                                         8 clients, unmeasured, until the child JVMs' JIT has settled (on 2 cores
                                         it takes minutes; docs/benchmarks.md)
              --accounts=100 --initial-balance=10000 --max-amount=100
              --jvm-options="-Xms256m -Xmx512m -XX:+UseSerialGC"
                                         of every child JVM (space separated)
              --jfr=<dir>                record JFR (settings=profile) on the coordinators and agents during the
                                         verdict mode (jcmd JFR.start / JFR.stop); files go to <dir>
              --report=<file>            also write the results as markdown
              --data-dir=<dir>           keep databases, Raft logs and process logs there (default: a temp dir, deleted)
              --failover-rounds=3 --failover-clients=32 --failover-rate=50
              --failover-before=3s --failover-after=7s
              --failover-settle=60s      before each round after the first: unmeasured verdict transfers at 8
                                         clients, so the node the last round killed and restarted (a cold JVM)
                                         has caught up and compiled before the next kill
              --transfer-timeout=10s     deadline of each verdict transaction
              --election-timeout=250ms,500ms   the coordinators' Raft election timeout (min,max): the coordinator's
                                         own default (the demo uses 1s,2s to ride out a busy laptop)
              --declaration-seals=true   coordinators and agents share a declaration key, so the declared agents
                                         open their branches without an enlist call; false: they enlist (as
                                         before, answered from a coordinator's replica)
              --votes-on-last-call=true  each leg of a verdict transfer is its shard's last call (Verdict-Prepare):
                                         the agent prepares before it answers and the client carries its signed
                                         vote to the commit, which sends it no PREPARE; false: the commit's
                                         PREPARE round asks both agents (needs --declaration-seals)
              --deferred-begins=true     a verdict transfer's begin is deferred: answered without a log write, its
                                         Begin logged with the commit (needs --declaration-seals); false: the
                                         begin waits for its log write
              --leased-ids=true          with deferred begins: the client mints a verdict transfer's id itself,
                                         from a block the coordinators leased it, so the begin makes no call;
                                         false: each begin asks a coordinator
              --client-first=leader      the node the verdict modes' client calls first (it stays with the node that
                                         answered last): leader, or follower (a commit asked of a follower)
              --seed=<random>
              --transfers=0              N: measure N transfers per (mode, clients) instead of the whole duration
                                         (the duration still caps it); exact counts, for smoke tests
              --rate=0                   transfers started per second over all clients in each measurement, evenly
                                         spaced (a client starts its next transfer at the next free slot); 0: each
                                         client starts its next transfer as soon as one ends (closed loop)
            Exit status 0 when every invariant check held, 2 when one did not, 1 on a usage or start-up error.
            """;

    static BenchOptions parse(String... args) {
        CommandLine line = CommandLine.parse(args);
        List<String> modes = line.strings("modes", Modes.DEFAULT);
        for (String mode : modes) {
            if (!Modes.ALL.contains(mode)) {
                throw new IllegalArgumentException("unknown mode '" + mode + "'; modes are " + Modes.ALL);
            }
        }
        String jfr = line.string("jfr", null);
        String report = line.string("report", null);
        String dataDir = line.string("data-dir", null);
        String jvm = line.string("jvm-options", null);
        BenchOptions options = new BenchOptions(
                modes,
                line.integers("clients", List.of(1, 8, 32)),
                line.duration("duration", Duration.ofSeconds(10)),
                line.duration("warmup", Duration.ofSeconds(3)),
                line.integer("accounts", 100),
                line.longValue("initial-balance", 10_000),
                line.longValue("max-amount", 100),
                jvm == null ? DEFAULT_JVM_OPTIONS : List.of(jvm.trim().split("\\s+")),
                jfr == null || jfr.equals("true") ? (jfr == null ? null : Path.of("target", "bench-jfr")) : Path.of(jfr),
                report == null ? null : Path.of(report),
                dataDir == null ? null : Path.of(dataDir),
                line.integer("failover-rounds", 3),
                line.integer("failover-clients", 32),
                line.decimal("failover-rate", 50),
                line.duration("failover-before", Duration.ofSeconds(3)),
                line.duration("failover-after", Duration.ofSeconds(7)),
                line.duration("transfer-timeout", Duration.ofSeconds(10)),
                line.longValue("seed", System.nanoTime()),
                line.longValue("transfers", 0),
                electionTimeout(line, 0),
                electionTimeout(line, 1),
                line.duration("warmup-all", Duration.ofMinutes(5)),
                line.duration("failover-settle", Duration.ofSeconds(60)),
                line.flag("declaration-seals", true),
                line.string("client-first", "leader"),
                line.flag("votes-on-last-call", true),
                line.flag("deferred-begins", true),
                line.flag("leased-ids", true),
                line.decimal("rate", 0));
        line.rejectUnknown();
        return options;
    }

    BenchOptions {
        modes = List.copyOf(modes);
        clients = List.copyOf(clients);
        jvmOptions = List.copyOf(jvmOptions);
        if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("--clients must list positive numbers");
        }
        if (duration.isZero() || duration.isNegative() || warmup.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive and --warmup not negative");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be >= 0 (0: closed loop)");
        }
        if (!CLIENT_FIRST.contains(clientFirst)) {
            throw new IllegalArgumentException("--client-first is one of " + CLIENT_FIRST + ", not '" + clientFirst + "'");
        }
        if (failoverRounds < 0 || failoverClients < 1 || failoverRate <= 0 || failoverSettle.isNegative()) {
            throw new IllegalArgumentException("--failover-rounds >= 0, --failover-clients >= 1, --failover-rate > 0, --failover-settle >= 0");
        }
    }

    private static Duration electionTimeout(CommandLine line, int which) {
        List<String> bounds = line.strings("election-timeout", List.of("250ms", "500ms"));
        if (bounds.size() != 2) {
            throw new IllegalArgumentException("--election-timeout takes min,max, e.g. 250ms,500ms");
        }
        return CommandLine.parseDuration("election-timeout", bounds.get(which));
    }

    int maxClients() {
        return clients.stream().mapToInt(Integer::intValue).max().orElse(1);
    }
}
