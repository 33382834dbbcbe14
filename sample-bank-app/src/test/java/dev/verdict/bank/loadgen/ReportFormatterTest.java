package dev.verdict.bank.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReportFormatterTest {

    @Test
    void theReportShowsThroughputPercentilesOutcomesErrorsAndTheAudit() {
        ResultRecorder recorder = new ResultRecorder();
        for (int i = 1; i <= 10; i++) {
            recorder.record(Outcome.committed(i), TimeUnit.MILLISECONDS.toNanos(10 * i));
        }
        recorder.record(Outcome.insufficientFunds(11), TimeUnit.MILLISECONDS.toNanos(5));
        recorder.record(Outcome.error("timeout"), 0);
        recorder.record(Outcome.error("http-503:NO_QUORUM"), 0);
        recorder.record(Outcome.error("http-503:NO_QUORUM"), 0);
        LoadResult result = recorder.result(8, Duration.ofSeconds(10));

        String report = ReportFormatter.format("results", result,
                new Audit(1_000_000, 1_000_000, 100, 0, true));

        assertThat(report)
                .contains("clients 8, measured 10.0 s")
                .containsPattern("transfers\\s+14\\s+1\\.4/s")
                .containsPattern("COMMITTED\\s+10\\s+1\\.0/s")
                .containsPattern("INSUFFICIENT_FUNDS\\s+1\\s+0\\.1/s")
                .containsPattern("ABORTED\\s+0\\s")
                .containsPattern("errors\\s+3\\s")
                .contains("by kind: http-503:NO_QUORUM=2, timeout=1")
                .containsPattern("latency, committed \\(ms\\)\\s+p50 50\\.0\\d  p90 90\\.\\d\\d  p99 100  max 100")
                .contains("audit: total 1000000, expected 1000000, accounts 100, negative 0, consistent true -> OK");
    }

    @Test
    void aBrokenAuditIsFlagged() {
        assertThat(ReportFormatter.formatAudit(new Audit(999_990, 1_000_000, 100, 0, false))).endsWith("VIOLATED");
        assertThat(ReportFormatter.formatAudit(new Audit(1_000_000, 1_000_000, 100, 1, true))).endsWith("VIOLATED");
    }

    @Test
    void millisecondsAreShortAndReadable() {
        assertThat(ReportFormatter.ms(1.23456)).isEqualTo("1.23");
        assertThat(ReportFormatter.ms(123.4)).isEqualTo("123");
        assertThat(ReportFormatter.ms(Double.NaN)).isEqualTo("-");
    }
}
