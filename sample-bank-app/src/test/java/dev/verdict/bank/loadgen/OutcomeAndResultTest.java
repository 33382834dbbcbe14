package dev.verdict.bank.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutcomeAndResultTest {

    @Test
    void errorsAreClassifiedByKind() {
        assertThat(Outcome.error(new HttpTimeoutException("t")).key()).isEqualTo("error:timeout");
        assertThat(Outcome.error(new HttpConnectTimeoutException("t")).key()).isEqualTo("error:connect-timeout");
        assertThat(Outcome.error(new ConnectException("refused")).key()).isEqualTo("error:connect");
        assertThat(Outcome.error(new CompletionException(new ConnectException("refused"))).key()).isEqualTo("error:connect");
        assertThat(Outcome.error(new SQLException("deadlock", "40P01")).key()).isEqualTo("error:sql-40P01");
        assertThat(Outcome.error(new IOException("reset")).key()).isEqualTo("error:io:IOException");
        assertThat(Outcome.error(new RuntimeException("wrapped", new SQLException("x", "08006"))).key())
                .isEqualTo("error:sql-08006");
        assertThat(Outcome.error(new IllegalStateException("x")).key()).isEqualTo("error:IllegalStateException");
        assertThat(Outcome.httpError(503, "NO_QUORUM").key()).isEqualTo("error:http-503:NO_QUORUM");
        assertThat(Outcome.httpError(500, null).key()).isEqualTo("error:http-500");
        assertThat(Outcome.committed(4).key()).isEqualTo("COMMITTED");
        assertThat(Outcome.insufficientFunds(4).key()).isEqualTo("INSUFFICIENT_FUNDS");
    }

    @Test
    void theRecorderCountsEveryOutcomeAndTimesOnlyAnswers() {
        ResultRecorder recorder = new ResultRecorder();
        for (int i = 1; i <= 100; i++) {
            recorder.record(Outcome.committed(i), TimeUnit.MILLISECONDS.toNanos(i));
        }
        recorder.record(Outcome.aborted(101, "vote NO"), TimeUnit.MILLISECONDS.toNanos(500));
        recorder.record(Outcome.insufficientFunds(102), TimeUnit.MILLISECONDS.toNanos(700));
        recorder.record(Outcome.error("timeout"), TimeUnit.SECONDS.toNanos(30));
        recorder.record(Outcome.error("timeout"), TimeUnit.SECONDS.toNanos(30));
        recorder.record(Outcome.error("http-503:NO_QUORUM"), 1);

        LoadResult result = recorder.result(4, Duration.ofSeconds(2));

        assertThat(result.total()).isEqualTo(105);
        assertThat(result.committed()).isEqualTo(100);
        assertThat(result.count(Outcome.Kind.ABORTED)).isEqualTo(1);
        assertThat(result.count(Outcome.Kind.INSUFFICIENT_FUNDS)).isEqualTo(1);
        assertThat(result.errors()).isEqualTo(3);
        assertThat(result.counts()).containsEntry("error:timeout", 2L).containsEntry("error:http-503:NO_QUORUM", 1L);
        assertThat(result.committedPerSecond()).isEqualTo(50.0);
        assertThat(result.totalPerSecond()).isEqualTo(52.5);
        assertThat(result.committedLatency().getTotalCount()).isEqualTo(100);
        assertThat(result.answeredLatency().getTotalCount()).isEqualTo(102);
        assertThat(result.committedMillis(50)).isCloseTo(50, within(0.1));
        assertThat(result.committedMillis(99)).isCloseTo(99, within(0.1));
        assertThat(result.answeredMillis(100)).isCloseTo(700, within(1.0));
    }

    @Test
    void anEmptyResultHasNoPercentiles() {
        LoadResult result = new ResultRecorder().result(1, Duration.ofSeconds(1));
        assertThat(result.total()).isZero();
        assertThat(result.committedMillis(50)).isNaN();
        assertThat(ReportFormatter.format("empty", result, null)).contains("none");
    }
}
