package dev.verdict.protocol;

/** A participant's answer to PREPARE. */
public enum Vote {
    /** The branch is durably prepared (PREPARE TRANSACTION succeeded). */
    YES,
    /** The branch cannot commit; the transaction must abort. */
    NO,
    /** The branch wrote nothing; it has already ended and takes no part in phase 2. */
    READ_ONLY;

    public boolean allowsCommit() {
        return this != NO;
    }
}
