package dev.verdict.bank.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {

    private final AtomicLong clock = new AtomicLong(1_000);
    private final History history = new History(clock::get, Instant.parse("2025-01-01T00:00:00Z"));

    @Test
    void recordsInvocationAndCompletionTimes() {
        History.Pending p = history.invoke(3, new Call.Transfer("k1", "a", "b", 5, false));
        clock.addAndGet(40);
        p.ok(new Result.Transfer("k1", 7L, TxReading.COMMITTED, null));
        Op op = history.ops().getFirst();
        assertThat(op.process()).isEqualTo(3);
        assertThat(op.invokedAt()).isZero();
        assertThat(op.completedAt()).isEqualTo(40);
        assertThat(op.outcome()).isEqualTo(Outcome.OK);
        assertThat(op.txId()).isEqualTo(7L);
    }

    @Test
    void pendingOperationsAreUnknownAndNeverComplete() {
        history.invoke(1, new Call.Audit());
        Op op = history.ops().getFirst();
        assertThat(op.completed()).isFalse();
        assertThat(op.outcome()).isEqualTo(Outcome.INFO);
        assertThat(op.completedAt()).isEqualTo(Op.NEVER);
    }

    @Test
    void anOperationCompletesOnce() {
        History.Pending p = history.invoke(1, new Call.Status(1, "n1"));
        p.fail("503");
        assertThatThrownBy(() -> p.ok(new Result.Status(TxReading.ACTIVE))).isInstanceOf(IllegalStateException.class);
        assertThat(history.ops().getFirst().outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void manyThreadsRecordWithoutLoss() throws Exception {
        History real = History.start();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int process = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 500; i++) {
                    History.Pending p = real.invoke(process, new Call.Status(i, "n1"));
                    if (i % 2 == 0) {
                        p.ok(new Result.Status(TxReading.COMMITTED));
                    } else {
                        p.info("timeout", null);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        List<Op> ops = real.ops();
        assertThat(ops).hasSize(4_000);
        assertThat(ops).extracting(Op::id).doesNotHaveDuplicates();
        assertThat(ops).allSatisfy(op -> assertThat(op.completedAt()).isGreaterThanOrEqualTo(op.invokedAt()));
        for (int i = 1; i < ops.size(); i++) {
            assertThat(ops.get(i).invokedAt()).isGreaterThanOrEqualTo(ops.get(i - 1).invokedAt());
        }
    }

    @Test
    void writesAReadableLog(@TempDir Path dir) throws Exception {
        History.Pending p = history.invoke(1, new Call.Transfer("k1", "a", "b", 5, false));
        clock.addAndGet(2_000_000_000L);
        p.info("read timed out", null);
        history.invoke(2, new Call.Audit());
        Path file = dir.resolve("history.txt");
        history.write(file);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).contains("invoke").contains("k1");
        assertThat(lines.get(3)).contains("info").contains("read timed out");
    }
}
