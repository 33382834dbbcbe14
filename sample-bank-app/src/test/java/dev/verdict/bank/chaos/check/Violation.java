package dev.verdict.bank.chaos.check;

/** One broken rule, with what shows it. */
public record Violation(Rule rule, String detail) {

    /** The checker's rules; see {@link BankChecker}. */
    public enum Rule {
        /** An audit saw a total other than the seeded total. */
        AUDIT_TOTAL,
        /** An audit (or the final state) had a negative balance. */
        NEGATIVE_BALANCE,
        /** The final balances do not sum to the seeded total. */
        FINAL_TOTAL,
        /** An account's final balance differs from its seeded balance plus its ledger. */
        LEDGER_MISMATCH,
        /** A transfer answered COMMITTED is missing from the ledger (durability). */
        LOST_COMMIT,
        /** A transfer answered ABORTED left ledger rows (durability of the abort). */
        ABORTED_VISIBLE,
        /** A transfer is in the ledger on one side only, or with amounts that do not match (agreement). */
        PARTIAL_TRANSFER,
        /** The ledger holds a transfer no client asked for (or asked for with other accounts or amount). */
        PHANTOM_TRANSFER,
        /**
         * The coordinator's decision and the shards disagree: a transaction read ABORTED has ledger rows, or a
         * transfer whose transaction was read COMMITTED has none.
         */
        DECISION_MISMATCH,
        /** A {@code verdict:} GID was still in {@code pg_prepared_xacts} after recovery (termination). */
        PREPARED_LEFT,
        /**
         * The cluster did not recover: a process not healthy again within the recovery timeout after a fault, or no
         * transfer committed within the recovery bound after the faults stopped.
         */
        NO_RECOVERY,
        /** The decisions and status reads of a transaction have no linearization. */
        NOT_LINEARIZABLE,
        /** The linearizability search gave up (step budget): not proven either way. */
        LINEARIZABILITY_UNKNOWN
    }
}
