package dev.verdict.coordinator.log;

/** The log could not get a command or read through a leader in time. The outcome of a write is unknown. */
public class NoQuorumException extends RuntimeException {
    public NoQuorumException(String message, Throwable cause) {
        super(message, cause);
    }
}
