package dev.verdict.coordinator.commit;

/**
 * Timing of the leader's 2PC driver.
 *
 * @param tickMillis          how often the leader looks for work left undone (timeouts, stalled rounds)
 * @param prepareGraceMillis  how long past its deadline a PREPARING transaction may still wait for its round
 * @param retryMinMillis      first backoff of a phase-2 redelivery
 * @param retryMaxMillis      cap of the phase-2 backoff
 * @param ackBatchSize        acknowledgements logged in one command at most
 * @param ackFlushMillis      how long an acknowledgement may wait for others to share its log write
 * @param forgetAfterMillis   how long a fully acknowledged decision stays readable before it is forgotten
 */
public record DriverSettings(
        long tickMillis,
        long prepareGraceMillis,
        long retryMinMillis,
        long retryMaxMillis,
        int ackBatchSize,
        long ackFlushMillis,
        long forgetAfterMillis) {
}
