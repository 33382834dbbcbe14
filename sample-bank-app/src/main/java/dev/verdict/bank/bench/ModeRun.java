package dev.verdict.bank.bench;

import dev.verdict.bank.loadgen.LoadResult;

/** One measured cell of the benchmark: a mode at a number of clients. */
record ModeRun(String mode, int clients, LoadResult result) {

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
