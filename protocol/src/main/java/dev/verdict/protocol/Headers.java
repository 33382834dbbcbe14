package dev.verdict.protocol;

/** HTTP header names that are part of the contract. */
public final class Headers {
    /** Carries the global transaction id on calls to participants' own endpoints. */
    public static final String TRANSACTION = "Verdict-Tx";
    /**
     * Carries, next to {@link #TRANSACTION}, the coordinator's seal on the participants declared at begin
     * ({@link dev.verdict.protocol.coordinator.DeclarationSeal}): a participant it names opens its branch without
     * an enlist call.
     */
    public static final String DECLARATION = "Verdict-Tx-Declared";
    /** Makes POST /v1/transactions safe to retry. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private Headers() {
    }
}
