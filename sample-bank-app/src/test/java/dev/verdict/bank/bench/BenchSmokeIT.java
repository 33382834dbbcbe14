package dev.verdict.bank.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.bank.demo.DemoTopology;
import dev.verdict.bank.it.SharedTopology;
import dev.verdict.bank.loadgen.LoadGenOptions;
import dev.verdict.bank.loadgen.LoadGenerator;
import dev.verdict.bank.loadgen.LoadResult;
import dev.verdict.bank.loadgen.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cheap smoke test of the load generator and of every benchmark mode on the real processes (3 coordinators,
 * 2 durable embedded PostgreSQL shards, 2 agents, the gateway: the topology the bank's integration tests share),
 * with counted runs of a few transfers. It checks counts and the bank's invariant, never speed. The failover
 * mode kills the coordinator leader and restarts it before it returns, so the shared topology is whole again.
 */
@ExtendWith(SharedTopology.class)
class BenchSmokeIT {

    @Test
    void theLoadGeneratorAndEveryBenchmarkModeRunAndKeepTheInvariant(DemoTopology bank) throws Exception {
        // the load generator against the gateway, a third of the transfers overdrawing
        ByteArrayOutputStream loadgenOut = new ByteArrayOutputStream();
        LoadGenerator.Report loadgen = LoadGenerator.run(LoadGenOptions.parse("--gateway=" + bank.gatewayUrl(),
                "--clients=3", "--transfers=30", "--duration=60s", "--overdraw=0.3", "--seed=7"),
                new PrintStream(loadgenOut, true, StandardCharsets.UTF_8));
        String loadgenPrinted = loadgenOut.toString(StandardCharsets.UTF_8);
        System.out.println(loadgenPrinted);
        LoadResult load = loadgen.result();
        assertThat(load.total()).as(loadgenPrinted).isEqualTo(30);
        assertThat(load.committed()).as(loadgenPrinted).isPositive();
        assertThat(load.count(Outcome.Kind.INSUFFICIENT_FUNDS)).as(loadgenPrinted).isPositive();
        assertThat(load.errors()).as(loadgenPrinted).isZero();
        assertThat(load.counts().keySet()).isSubsetOf("COMMITTED", "INSUFFICIENT_FUNDS", "ABORTED");
        assertThat(loadgen.accounts()).hasSize(bank.spec().accounts());
        assertThat(loadgen.auditAfter().holds()).as(loadgenPrinted).isTrue();
        assertThat(loadgen.auditAfter().total()).isEqualTo(bank.expectedTotal());
        assertThat(loadgenPrinted).contains("INSUFFICIENT_FUNDS", "p99", "-> OK");

        // every benchmark mode, a few transfers each, on the same processes
        BenchOptions options = BenchOptions.parse("--modes=local,raw-2pc,raft-write,verdict,verdict-gateway,failover",
                "--clients=1,3", "--transfers=6", "--duration=60s", "--warmup=0s", "--failover-rounds=1",
                "--failover-clients=4", "--failover-rate=20", "--failover-before=1s", "--failover-after=3s", "--warmup-all=0s",
                "--seed=42");
        ByteArrayOutputStream benchOut = new ByteArrayOutputStream();
        Benchmark.Result bench = Benchmark.run(options, new PrintStream(benchOut, true, StandardCharsets.UTF_8), bank);
        String printed = benchOut.toString(StandardCharsets.UTF_8);
        System.out.println(printed);

        assertThat(bench.invariantViolations()).as(printed).isEmpty();
        assertThat(bench.invariantsHeld()).as(printed).isTrue();
        for (String mode : List.of("local", "raw-2pc", "raft-write", "verdict", "verdict-gateway")) {
            for (int clients : List.of(1, 3)) {
                ModeRun run = BenchReport.find(bench.runs(), mode, clients).orElseThrow();
                String what = mode + " at " + clients + "\n" + printed;
                assertThat(run.result().total()).as(what).isEqualTo(6);
                // The load generator ran first on the same bank and may have left an account below the benchmark's
                // largest amount: the bank then refuses that transfer (INSUFFICIENT_FUNDS, a NO vote), which is
                // an answer, not an error. Anything else must commit.
                assertThat(run.result().counts().keySet()).as(what).isSubsetOf("COMMITTED", "INSUFFICIENT_FUNDS");
                assertThat(run.result().committed()).as(what).isPositive();
                assertThat(run.result().committedLatency().getTotalCount()).isEqualTo(run.result().committed());
            }
        }
        assertThat(bench.failovers()).hasSize(1);
        FailoverResult failover = bench.failovers().getFirst();
        assertThat(failover.newLeader()).as(printed).isNotEqualTo(failover.killedNode()).isNotEqualTo("none");
        assertThat(failover.committed() + failover.errors()).as(printed).isPositive();
        assertThat(bank.coordinators()).allMatch(c -> c.running());
        assertThat(bench.finalAudit().holds()).as(printed).isTrue();
        assertThat(bench.report()).contains("| mode | clients | tx/s", "verdict / raw-2pc throughput at 3 clients",
                "verdict p50 at 1 client", "failover (killed", "invariant after verdict",
                "raw-2pc at 1 clients, the shards per committed transfer: ");
    }
}
