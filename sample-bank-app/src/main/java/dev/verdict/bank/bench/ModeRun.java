package dev.verdict.bank.bench;

import dev.verdict.bank.loadgen.LoadResult;

/** One measured cell of the benchmark: a mode at a number of clients. */
/**
 * @param cpu        CPU used meanwhile, by group of the benchmark's processes and by the rest of the machine
 * @param logEntries Raft log entries committed during warm-up and measurement (the coordinators' commit index
 *                   moved by this much; -1 when unknown): with {@code window}, the log's write rate in this mode
 */
record ModeRun(String mode, int clients, LoadResult result, long logEntries, java.time.Duration window,
        CpuMeter.Usage cpu) {

    private static final CpuMeter.Usage NO_CPU = new CpuMeter.Usage(java.util.Map.of(), 0);

    ModeRun(String mode, int clients, LoadResult result) {
        this(mode, clients, result, -1, result.elapsed(), NO_CPU);
    }

    ModeRun(String mode, int clients, LoadResult result, long logEntries, java.time.Duration window) {
        this(mode, clients, result, logEntries, window, NO_CPU);
    }

    /** CPU used meanwhile by processes that are not the benchmark's, in cores (NaN: unknown). */
    double othersCores() {
        return cpu.others();
    }

    /**
     * CPU milliseconds the benchmark's processes spent per committed transfer (warm-up included in both), or NaN.
     */
    double cpuMillisPerTransfer(String group) {
        Double cores = cpu.cores().get(group);
        double txPerSecond = result.committedPerSecond();
        return cores == null || txPerSecond == 0 ? Double.NaN : cores * 1000 / txPerSecond;
    }

    double cpuMillisPerTransfer() {
        double txPerSecond = result.committedPerSecond();
        return cpu.cores().isEmpty() || txPerSecond == 0 ? Double.NaN : cpu.ours() * 1000 / txPerSecond;
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
