package dev.verdict.bank.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrSummaryTest {

    @Test
    void summarizesTheSamplesOfARecording(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("busy.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.enable("jdk.FileForce").withThreshold(Duration.ZERO);
            recording.start();
            long deadline = System.nanoTime() + Duration.ofMillis(600).toNanos();
            double sink = 0;
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < 10_000; i++) {
                    sink += Math.sqrt(i) * Math.sin(i);
                }
            }
            Path forced = dir.resolve("forced");
            try (var channel = java.nio.channels.FileChannel.open(forced, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) sink}));
                channel.force(true);
            }
            recording.stop();
            recording.dump(file);
        }
        assertThat(Files.size(file)).isPositive();

        String summary = JfrSummary.summarize(file, 5);

        assertThat(summary).contains("busy.jfr", "CPU samples", "by component", "by Verdict operation", "hottest methods");
        assertThat(summary).containsPattern("fsync \\(jdk.FileForce\\): [1-9]");
        assertThat(summary).contains("JfrSummaryTest.summarizesTheSamplesOfARecording");
    }

    @Test
    void componentsComeFromTheInnermostLibrary() {
        assertThat(JfrSummary.componentOf("org.apache.ratis.server.impl.RaftServerImpl")).isEqualTo("Ratis");
        assertThat(JfrSummary.componentOf("org.apache.ratis.thirdparty.io.netty.channel.epoll.Native")).isEqualTo("Netty (Raft transport)");
        assertThat(JfrSummary.componentOf("tools.jackson.databind.ObjectMapper")).isEqualTo("Jackson");
        assertThat(JfrSummary.componentOf("dev.verdict.coordinator.txn.TransactionTable")).isEqualTo("Verdict txn state machine");
        assertThat(JfrSummary.componentOf("org.postgresql.core.v3.QueryExecutorImpl")).isEqualTo("pgjdbc");
        assertThat(JfrSummary.threadGroup("http-nio-8080-exec-12")).isEqualTo("http-nio-#-exec-#");
    }
}
