package dev.verdict.coordinator.txn;

/** Why the table refused a command. A refused command changes nothing. */
public enum Refusal {
    /** No such transaction: never begun, or decided, acknowledged by all and forgotten. */
    NOT_FOUND,
    /** Enlist on a transaction whose commit has started, that is decided, or past its deadline. */
    NOT_ACTIVE,
    /** StartCommit, or a COMMIT that freezes the set itself, past the deadline: the transaction can only abort. */
    DEADLINE_PASSED,
    /** A decision contrary to the one already logged (first decision wins). */
    ALREADY_DECIDED,
    /** COMMIT before the participant set was frozen, by a StartCommit or by naming where the votes were asked. */
    COMMIT_NOT_STARTED,
    /** COMMIT whose voters (or the endpoints they were asked at) differ from the enlisted participants. */
    PARTICIPANTS_MISMATCH,
    /** COMMIT with a NO vote. */
    VOTE_AGAINST,
    /** The idempotency key was first used with other parameters. */
    IDEMPOTENCY_CONFLICT
}
