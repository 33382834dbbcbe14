package dev.verdict.bank.chaos.nemesis;

/**
 * A fault as it happened: when it started and when it was healed (history clock, nanoseconds), and what it hit.
 *
 * @param healedAt when the heal was done (process restarted and ready, links restored), or when the run gave up
 *                 waiting for it
 */
public record FaultWindow(int seq, FaultKind kind, String target, long startedAt, long healedAt) {
}
