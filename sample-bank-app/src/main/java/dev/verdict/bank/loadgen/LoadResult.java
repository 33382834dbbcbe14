package dev.verdict.bank.loadgen;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The measured part of one run: outcome counts by key ({@code COMMITTED}, {@code ABORTED},
 * {@code INSUFFICIENT_FUNDS}, {@code error:<kind>}), and the latency histograms (microseconds) of answered and
 * of committed transfers.
 */
public record LoadResult(int clients, Duration elapsed, Map<String, Long> counts, Histogram answeredLatency,
        Histogram committedLatency) {

    public LoadResult {
        counts = Map.copyOf(counts);
    }

    public long count(Outcome.Kind kind) {
        if (kind == Outcome.Kind.ERROR) {
            return errors();
        }
        return counts.getOrDefault(kind.name(), 0L);
    }

    public long committed() {
        return count(Outcome.Kind.COMMITTED);
    }

    public long errors() {
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith("error:")).mapToLong(Map.Entry::getValue).sum();
    }

    /** Every transfer that finished in the window, errors included. */
    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public double perSecond(long count) {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : count / seconds;
    }

    public double committedPerSecond() {
        return perSecond(committed());
    }

    public double totalPerSecond() {
        return perSecond(total());
    }

    /** A percentile of committed transfers' latency in milliseconds; NaN when nothing committed. */
    public double committedMillis(double percentile) {
        return millis(committedLatency, percentile);
    }

    public double answeredMillis(double percentile) {
        return millis(answeredLatency, percentile);
    }

    static double millis(Histogram histogram, double percentile) {
        if (histogram.getTotalCount() == 0) {
            return Double.NaN;
        }
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
