package dev.verdict.bank.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.bank.chaos.check.BankChecker;
import dev.verdict.bank.chaos.check.FinalState;
import dev.verdict.bank.chaos.history.Call;
import dev.verdict.bank.chaos.history.Op;
import dev.verdict.bank.chaos.history.Outcome;
import dev.verdict.bank.chaos.history.Result;
import dev.verdict.bank.chaos.history.TxReading;
import dev.verdict.bank.chaos.nemesis.FaultKind;
import dev.verdict.bank.chaos.nemesis.FaultWindow;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static final long S = 1_000_000_000L;

    private static List<Op> ops() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long t = i * S / 2;
            boolean committed = i % 3 != 0;
            ops.add(new Op(ops.size(), 0, new Call.Transfer("k" + i, "a", "b", 1, false), t, t + S / 10, Outcome.OK,
                    new Result.Transfer("k" + i, (long) i, committed ? TxReading.COMMITTED : TxReading.ABORTED, null), null));
            ops.add(new Op(ops.size(), 1, new Call.Audit(), t, t + S / 5, Outcome.OK,
                    new Result.Audit(i == 40 ? 190 : 200, 200, false, i != 40, Map.of()), null));
        }
        return ops;
    }

    private static final List<FaultWindow> FAULTS = List.of(
            new FaultWindow(1, FaultKind.KILL_LEADER, "n2", 5 * S, 9 * S),
            new FaultWindow(2, FaultKind.PARTITION_CUT_AGENT, "shard-b", 15 * S, 20 * S));

    @Test
    void plotShadesFaultWindowsAndMarksWrongTotals(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plot.png");
        BankPlot.write(file, "test run", ops(), FAULTS, 200);
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(1400);
        assertThat(image.getHeight()).isEqualTo(820);
        boolean red = false;
        for (int x = 0; x < image.getWidth() && !red; x++) {
            for (int y = 480; y < 720 && !red; y++) {
                red = image.getRGB(x, y) == new Color(0xd50000).getRGB();
            }
        }
        assertThat(red).as("the wrong audit total is drawn in red").isTrue();
    }

    @Test
    void summaryCountsFaultsOperationsAndViolations(@TempDir Path dir) throws Exception {
        List<Op> ops = ops();
        BankChecker.Report report = BankChecker.check(Map.of("a", 100L, "b", 100L), ops,
                new FinalState(Map.of("a", 100L, "b", 100L), List.of(), List.of()));
        RunSummary summary = new RunSummary("test run", 42, Instant.EPOCH, Duration.ofSeconds(95), "3 coordinators",
                FAULTS, report, List.of("a note"));
        Path file = dir.resolve("summary.md");
        summary.write(file);
        String md = Files.readString(file);
        assertThat(summary.faultsByKind()).containsEntry(FaultKind.KILL_LEADER, 1).containsEntry(FaultKind.LINK_DELAY, 0);
        assertThat(md).contains("-Dverdict.chaos.seed=42").contains("| KILL_LEADER | 1 |").contains("1 min 35 s")
                .contains("| AUDIT_TOTAL | 1 |").contains("LOST_COMMIT").contains("a note");
        assertThat(report.valid()).isFalse();
    }
}
