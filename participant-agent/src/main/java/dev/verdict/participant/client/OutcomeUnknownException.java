package dev.verdict.participant.client;

/**
 * The outcome of a commit could not be learned in time (no coordinator reachable, or no decision yet). The
 * transaction may still commit or abort: ask {@link GlobalTransactions#status} later, never assume either.
 */
public class OutcomeUnknownException extends RuntimeException {

    private final long txId;

    public OutcomeUnknownException(long txId, String message, Throwable cause) {
        super(message, cause);
        this.txId = txId;
    }

    public long txId() {
        return txId;
    }
}
