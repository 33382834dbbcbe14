package dev.verdict.bank.loadgen;

/**
 * Sees every transfer the runner does, warm-up included, with its start and end ({@link System#nanoTime()}).
 * Used to follow a run in time (e.g. the failover measurement); must be thread-safe and quick.
 */
@FunctionalInterface
public interface OutcomeListener {

    OutcomeListener NONE = (transfer, outcome, startNanos, endNanos) -> { };

    void onOutcome(Transfer transfer, Outcome outcome, long startNanos, long endNanos);
}
