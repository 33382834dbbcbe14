package dev.verdict.protocol.participant;

/** How a branch ended, as the participant reports it after phase 2. */
public enum BranchOutcome {
    COMMITTED,
    ROLLED_BACK,
    /** The participant held no such branch (already resolved earlier, or never opened). */
    UNKNOWN
}
