package dev.verdict.bank.bench;

import dev.verdict.bank.loadgen.LoadResult;

/** One measured cell of the benchmark: a mode at a number of clients. */
/**
 * @param othersCores CPU used meanwhile by processes that are not the benchmark's, in cores (NaN: unknown)
 * @param logEntries Raft log entries committed during warm-up and measurement (the coordinators' commit index
 *                   moved by this much; -1 when unknown): with {@code window}, the log's write rate in this mode
 */
record ModeRun(String mode, int clients, LoadResult result, long logEntries, java.time.Duration window,
        double othersCores) {

    ModeRun(String mode, int clients, LoadResult result) {
        this(mode, clients, result, -1, result.elapsed(), Double.NaN);
    }

    ModeRun(String mode, int clients, LoadResult result, long logEntries, java.time.Duration window) {
        this(mode, clients, result, logEntries, window, Double.NaN);
    }

    /** Raft entries per second over warm-up and measurement; NaN when unknown. */
    double logEntriesPerSecond() {
        return logEntries < 0 ? Double.NaN : logEntries / (window.toNanos() / 1e9);
    }

    double txPerSecond() {
        return result.committedPerSecond();
    }

    double p50() {
        return result.committedMillis(50);
    }

    double p90() {
        return result.committedMillis(90);
    }

    double p99() {
        return result.committedMillis(99);
    }
}
