package dev.verdict.protocol;

/** HTTP header names that are part of the contract. */
public final class Headers {
    /** Carries the global transaction id on calls to participants' own endpoints. */
    public static final String TRANSACTION = "Verdict-Tx";
    /** Makes POST /v1/transactions safe to retry. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private Headers() {
    }
}
