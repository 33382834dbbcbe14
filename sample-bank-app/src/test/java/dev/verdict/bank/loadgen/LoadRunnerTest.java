package dev.verdict.bank.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class LoadRunnerTest {

    private final TransferWorkload workload = new TransferWorkload(TransferWorkload.accountRange(1, 10), 2, 10, 0.2, 1000, true);

    /** Deterministic by transfer: overdraws are refused, amounts of 10 fail with an I/O error, the rest commit. */
    private static Outcome fakeBank(Transfer t) throws IOException {
        if (t.overdraw()) {
            return Outcome.insufficientFunds(-1);
        }
        if (t.amount() == 10) {
            throw new IOException("connection reset");
        }
        return Outcome.committed(-1);
    }

    @Test
    void everyCountedTransferIsOneTheClientsDidAndOutcomesAreKeptApart() {
        Map<String, LongAdder> seen = new ConcurrentHashMap<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        OutcomeListener listener = (transfer, outcome, start, end) -> {
            seen.computeIfAbsent(outcome.key(), k -> new LongAdder()).increment();
            assertThat(end).isGreaterThanOrEqualTo(start);
        };
        TransferExecutor executor = t -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                return fakeBank(t);
            } finally {
                concurrent.decrementAndGet();
            }
        };

        LoadResult result = LoadRunner.run(LoadRunner.Settings.closedLoop(4, Duration.ZERO, Duration.ofMillis(300), 1),
                workload::next, executor, listener);

        long seenTotal = seen.values().stream().mapToLong(LongAdder::sum).sum();
        assertThat(result.total()).isPositive();
        // only a client's last transfer may finish after the window closes
        assertThat(seenTotal - result.total()).isBetween(0L, 4L);
        for (String key : result.counts().keySet()) {
            assertThat(result.counts().get(key)).isLessThanOrEqualTo(seen.get(key).sum());
        }
        assertThat(result.counts().keySet()).containsOnly("COMMITTED", "INSUFFICIENT_FUNDS", "error:io:IOException");
        assertThat(result.committedLatency().getTotalCount()).isEqualTo(result.committed());
        assertThat(result.answeredLatency().getTotalCount()).isEqualTo(result.total() - result.errors());
        assertThat(maxConcurrent.get()).isBetween(1, 4);
        assertThat(result.clients()).isEqualTo(4);
        assertThat(result.elapsed()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void warmUpTransfersAreDoneButNotCounted() {
        LongAdder seen = new LongAdder();
        LoadResult result = LoadRunner.run(LoadRunner.Settings.closedLoop(2, Duration.ofMillis(200), Duration.ofMinutes(1), 2)
                .withTransfers(50), workload::next, LoadRunnerTest::fakeBank, (t, o, s, e) -> seen.increment());
        assertThat(result.total()).isEqualTo(50);
        assertThat(seen.sum()).isGreaterThanOrEqualTo(50); // the warm-up's transfers are seen, not counted
    }

    @Test
    void aRateCapsHowManyTransfersStart() {
        LongAdder seen = new LongAdder();
        // 200/s over 0.5 s: the schedule has at most 100 slots, however fast the clients are
        LoadRunner.run(new LoadRunner.Settings(8, Duration.ZERO, Duration.ofMillis(500), 200, 3),
                workload::next, t -> Outcome.COMMITTED, (t, o, s, e) -> seen.increment());
        assertThat(seen.sum()).isBetween(1L, 100L);
    }

    @Test
    void aCountedRunMeasuresExactlyThatManyTransfersAfterTheWarmUp() {
        LongAdder seen = new LongAdder();
        LoadResult result = LoadRunner.run(LoadRunner.Settings.closedLoop(5, Duration.ofMillis(50), Duration.ofMinutes(1), 5)
                .withTransfers(1234), workload::next, LoadRunnerTest::fakeBank, (t, o, s, e) -> seen.increment());
        assertThat(result.total()).isEqualTo(1234);
        assertThat(result.counts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1234);
        assertThat(seen.sum()).isGreaterThanOrEqualTo(1234);
        assertThat(result.elapsed()).isPositive().isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void anExecutorThatThrowsAnythingCountsAsAnErrorNotACrash() {
        LoadResult result = LoadRunner.run(LoadRunner.Settings.closedLoop(2, Duration.ZERO, Duration.ofMillis(100), 4),
                workload::next, t -> {
                    throw new IllegalStateException("boom");
                });
        assertThat(result.errors()).isEqualTo(result.total()).isPositive();
        assertThat(result.counts()).containsOnlyKeys("error:IllegalStateException");
    }
}
