package dev.verdict.protocol;

/** Where a global transaction stands, as the replicated decision log sees it. */
public enum TxState {
    /** Begun; participants may still enlist. */
    ACTIVE,
    /** Commit requested: the participant set is frozen and the prepare round runs. */
    PREPARING,
    /** Decided COMMIT: the decision is in the Raft log and will reach every participant. */
    COMMITTED,
    /** Decided ABORT. */
    ABORTED;

    public boolean isDecided() {
        return this == COMMITTED || this == ABORTED;
    }
}
