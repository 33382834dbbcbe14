package dev.verdict.participant.client;

/** A checked exception thrown by the work of {@link GlobalTransactions#execute}; the transaction was aborted. */
public class TransactionWorkException extends RuntimeException {

    public TransactionWorkException(long txId, Exception cause) {
        super("work of global transaction " + txId + " failed; the transaction was aborted", cause);
    }
}
