package dev.verdict.participant.coordinator;

/** No coordinator node could serve the call (connection failures, timeouts, or 503 from every node). */
public class CoordinatorUnavailableException extends RuntimeException {

    public CoordinatorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
