package dev.verdict.bank.chaos.history;

/** A transaction's state as a client saw it: the coordinator's states, plus "the coordinator does not know it". */
public enum TxReading {
    ACTIVE,
    PREPARING,
    COMMITTED,
    ABORTED,
    /** 404 TRANSACTION_NOT_FOUND: never begun, or decided, acknowledged by all and forgotten. */
    NOT_FOUND;

    public boolean isDecided() {
        return this == COMMITTED || this == ABORTED;
    }
}
