package dev.verdict.coordinator.commit;

/**
 * Limits of the client-facing transaction service.
 *
 * @param defaultTimeoutMillis the deadline of a transaction begun without one
 * @param commitWaitMaxMillis  the longest a commit request waits for its decision before answering DECISION_PENDING
 * @param prepareGraceMillis   a commit asked of the leader with less than this left before its deadline is frozen
 *                             through the log, so that its round gets the driver's grace past the deadline
 */
public record CoordinatorSettings(long defaultTimeoutMillis, long commitWaitMaxMillis, long prepareGraceMillis) {
}
