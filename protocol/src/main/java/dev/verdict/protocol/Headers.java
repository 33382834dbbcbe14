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
    /**
     * Marks, next to {@link #TRANSACTION}, the last call a transaction's work makes to a participant: when the
     * call's work succeeds, the participant prepares its branch at once and answers its vote in {@link #VOTE}.
     */
    public static final String PREPARE = "Verdict-Prepare";
    /**
     * The participant's signed vote on a call marked {@link #PREPARE}
     * ({@link dev.verdict.protocol.participant.SignedVote}), for the client to pass with its commit.
     */
    public static final String VOTE = "Verdict-Vote";
    /** Makes POST /v1/transactions safe to retry. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private Headers() {
    }
}
