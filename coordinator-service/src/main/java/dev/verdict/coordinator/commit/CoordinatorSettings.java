package dev.verdict.coordinator.commit;

/**
 * Limits of the client-facing transaction service.
 *
 * @param defaultTimeoutMillis the deadline of a transaction begun without one
 * @param commitWaitMaxMillis  the longest a commit request waits for its decision before answering DECISION_PENDING
 */
public record CoordinatorSettings(long defaultTimeoutMillis, long commitWaitMaxMillis, long prepareGraceMillis) {
}
