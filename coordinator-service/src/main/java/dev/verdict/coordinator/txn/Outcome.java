package dev.verdict.coordinator.txn;

import dev.verdict.protocol.TxState;

/** What a decision says. */
public enum Outcome {
    COMMIT,
    ABORT;

    public TxState state() {
        return this == COMMIT ? TxState.COMMITTED : TxState.ABORTED;
    }
}
