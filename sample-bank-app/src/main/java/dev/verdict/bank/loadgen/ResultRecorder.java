package dev.verdict.bank.loadgen;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Counts outcomes by kind and records latencies (microseconds, HdrHistogram, 3 significant digits) of every
 * answered transfer and, separately, of committed ones. Thread-safe; written by every client concurrently.
 */
public final class ResultRecorder {

    /** Latencies above this (10 minutes) are recorded as this. */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final ConcurrentHistogram answered = new ConcurrentHistogram(1, HIGHEST_MICROS, 3);
    private final ConcurrentHistogram committed = new ConcurrentHistogram(1, HIGHEST_MICROS, 3);
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    /**
     * Records one transfer. Errors are counted but their latency is not recorded (a timeout's latency is the
     * timeout); COMMITTED, ABORTED and INSUFFICIENT_FUNDS are answers and their latencies are.
     */
    public void record(Outcome outcome, long latencyNanos) {
        counts.computeIfAbsent(outcome.key(), k -> new LongAdder()).increment();
        if (outcome.isError()) {
            return;
        }
        long micros = Math.clamp(TimeUnit.NANOSECONDS.toMicros(latencyNanos), 1, HIGHEST_MICROS);
        answered.recordValue(micros);
        if (outcome.kind() == Outcome.Kind.COMMITTED) {
            committed.recordValue(micros);
        }
    }

    /** The results so far, as measured over {@code elapsed} by {@code clients} clients. */
    public LoadResult result(int clients, Duration elapsed) {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((key, count) -> snapshot.put(key, count.sum()));
        return new LoadResult(clients, elapsed, snapshot, copy(answered), copy(committed));
    }

    private static Histogram copy(ConcurrentHistogram histogram) {
        Histogram copy = new Histogram(1, HIGHEST_MICROS, 3);
        copy.add(histogram);
        return copy;
    }
}
