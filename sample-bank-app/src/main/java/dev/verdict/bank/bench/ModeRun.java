package dev.verdict.bank.bench;

import dev.verdict.bank.loadgen.LoadResult;

/** One measured cell of the benchmark: a mode at a number of clients. */
/**
 * @param load the machine's 1-minute load average when the measurement ended (other work on the machine)
 * @param logEntries Raft log entries committed during warm-up and measurement (the coordinators' commit index
 *                   moved by this much; -1 when unknown): with {@code window}, the log's write rate in this mode
 */
record ModeRun(String mode, int clients, LoadResult result, long logEntries, java.time.Duration window, String load) {

    ModeRun(String mode, int clients, LoadResult result) {
        this(mode, clients, result, -1, result.elapsed(), "");
    }

    ModeRun(String mode, int clients, LoadResult result, long logEntries, java.time.Duration window) {
        this(mode, clients, result, logEntries, window, "");
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
