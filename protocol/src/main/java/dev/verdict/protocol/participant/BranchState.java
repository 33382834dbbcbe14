package dev.verdict.protocol.participant;

/** Where a branch stands on its participant. */
public enum BranchState {
    /** Open: a local PostgreSQL transaction on a pinned connection, doing the app's work. */
    ACTIVE,
    /** Prepared ({@code pg_prepared_xacts}): waits for the coordinator's decision. */
    IN_DOUBT
}
