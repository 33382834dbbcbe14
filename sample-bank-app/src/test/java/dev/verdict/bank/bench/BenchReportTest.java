package dev.verdict.bank.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.bank.loadgen.LoadResult;
import dev.verdict.bank.loadgen.Outcome;
import dev.verdict.bank.loadgen.ResultRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    /** A result of {@code committed} transfers over 10 s, all taking {@code millis}. */
    private static LoadResult result(int committed, double millis) {
        ResultRecorder recorder = new ResultRecorder();
        for (int i = 0; i < committed; i++) {
            recorder.record(Outcome.committed(i), (long) (millis * TimeUnit.MILLISECONDS.toNanos(1)));
        }
        return recorder.result(1, Duration.ofSeconds(10));
    }

    private static final List<ModeRun> RUNS = List.of(
            new ModeRun("local", 1, result(2000, 2)),
            new ModeRun("raw-2pc", 1, result(1000, 5)),
            new ModeRun("raw-2pc", 8, result(4000, 10)),
            new ModeRun("raw-2pc", 32, result(5000, 40)),
            new ModeRun("raft-write", 1, result(3000, 3), 3000, Duration.ofSeconds(10)),
            new ModeRun("verdict", 1, result(500, 9)),
            new ModeRun("verdict", 8, result(2800, 20)),
            new ModeRun("verdict", 32, result(2000, 80)));

    @Test
    void theComparisonsSayWhetherEachTargetIsMet() {
        List<String> lines = BenchReport.comparisons(RUNS, List.of());
        assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo(
                "verdict / raw-2pc throughput at 8 clients: 280.0 / 400.0 = 0.70 (target >= 0.6: met)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo(
                "verdict / raw-2pc throughput at 32 clients: 200.0 / 500.0 = 0.40 (target >= 0.6: NOT met)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("verdict / raw-2pc throughput at 1 clients: 50.0 / 100.0 = 0.50")
                .doesNotContain("target"));
        // 9 ms <= 5 + 3 = 8 ms is false (HdrHistogram reports a bucket's highest value: 9.007 ms)
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("verdict p50 at 1 client: 9.01 ms")
                .contains("= 5.00 + 3.00 = 8.00 ms").contains("difference verdict - raw-2pc = 4.00 ms").endsWith("NOT met)"));
    }

    @Test
    void theTableHasARowPerRunWithTheLogRate() {
        String table = BenchReport.table(RUNS);
        assertThat(table.lines()).hasSize(2 + RUNS.size());
        assertThat(table).contains("| raw-2pc | 8 | 400.0 | 10.01 | 10.01 | 10.01 | 4000 | - | 0 | - | - | - | - |");
        assertThat(table).contains("| raft-write | 1 | 300.0 | 3.00 | 3.00 | 3.00 | 3000 | - | 0 | 300 | 1.00 | - | - |");
    }

    @Test
    void failoversAreJudgedFromTheKillAndFromTheElection() {
        FailoverResult fast = new FailoverResult("n1", "n2", Duration.ofMillis(600), Duration.ofMillis(900), 3,
                Duration.ofMillis(1500), 4, Duration.ofMillis(2500), 100, 2, null);
        assertThat(fast.resolvedAfterElection()).isEqualTo(Duration.ofMillis(900));
        assertThat(BenchReport.describe(fast))
                .contains("election 600 ms", "kill to first commit 900 ms (target <= 1000 ms: met)",
                        "3 branches in doubt at the kill, last resolved 1500 ms after the kill, 900 ms after the election (target <= 2000 ms: met)",
                        "4 branches of transactions begun before the kill prepared after it, last resolved 2500 ms after the kill");
        FailoverResult slow = new FailoverResult("n1", "n3", Duration.ofMillis(700), null, 2, null, 0, null, 0, 9, null);
        assertThat(BenchReport.describe(slow)).contains("kill to first commit none (target <= 1000 ms: NOT met)",
                "2 branches in doubt at the kill NOT resolved",
                "no branch of a transaction begun before the kill prepared after it");
        FailoverResult none = new FailoverResult("n2", "n1", Duration.ofMillis(500), Duration.ofMillis(800), 0, null, 0, null, 50, 0, null);
        assertThat(BenchReport.describe(none)).contains("no in-doubt branch at the kill");
    }

    @Test
    void inDoubtBranchesAreThosePreparedAtTheKillAndLaterOnesOfOlderTransactionsAreCountedApart() {
        long kill = 1_000;
        List<PreparedWatcher.Seen> seen = List.of(
                new PreparedWatcher.Seen("verdict:c:5:shard-0", 5, 900, 950, 960),   // resolved before the kill
                new PreparedWatcher.Seen("verdict:c:6:shard-0", 6, 990, 1200, 1250), // prepared at the kill
                new PreparedWatcher.Seen("verdict:c:7:shard-1", 7, 1100, 1300, 0),   // prepared after it, still there
                new PreparedWatcher.Seen("verdict:c:9:shard-1", 9, 1100, 1150, 1160),  // begun after the kill
                new PreparedWatcher.Seen("verdict:c:3:shard-1", 3, 1100, 1150, 1160)); // a smaller id, begun after it
        assertThat(FailoverRun.inDoubtAtKill(seen, kill)).extracting(PreparedWatcher.Seen::txId).containsExactly(6L);
        // ids come from blocks (deferred and leased begins), so which were begun before the kill is by time, not by id
        assertThat(FailoverRun.preparedAfterKill(seen, java.util.Set.of(5L, 6L, 7L), kill))
                .extracting(PreparedWatcher.Seen::txId).containsExactly(7L);
        assertThat(PreparedWatcher.txIdOf("verdict:verdict:42:shard-0")).isEqualTo(42);
        assertThat(PreparedWatcher.txIdOf("bench-raw2pc:abc:1:0")).isEqualTo(-1);
    }

    @Test
    void optionsHaveTheIssueDefaults() {
        BenchOptions defaults = BenchOptions.parse();
        assertThat(defaults.modes()).containsExactly("local", "raw-2pc", "raft-write", "verdict", "failover");
        assertThat(defaults.clients()).containsExactly(1, 8, 32);
        assertThat(defaults.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.jfrDirectory()).isNull();
        BenchOptions quick = BenchOptions.parse("--modes=verdict", "--clients=2", "--duration=1s", "--jfr=/tmp/x",
                "--jvm-options=-Xmx1g -XX:+UseParallelGC");
        assertThat(quick.jvmOptions()).containsExactly("-Xmx1g", "-XX:+UseParallelGC");
        assertThat(quick.jfrDirectory()).hasToString("/tmp/x");
        assertThatThrownBy(() -> BenchOptions.parse("--modes=fast")).hasMessageContaining("unknown mode 'fast'");
        assertThat(defaults.clientFirst()).isEqualTo("leader");
        assertThat(BenchOptions.parse("--client-first=follower").clientFirst()).isEqualTo("follower");
        assertThatThrownBy(() -> BenchOptions.parse("--client-first=n2")).hasMessageContaining("--client-first is one of");
        assertThat(defaults.rate()).isZero();
        assertThat(BenchOptions.parse("--rate=50").rate()).isEqualTo(50.0);
        assertThatThrownBy(() -> BenchOptions.parse("--rate=-1")).hasMessageContaining("--rate must be >= 0");
    }
}
