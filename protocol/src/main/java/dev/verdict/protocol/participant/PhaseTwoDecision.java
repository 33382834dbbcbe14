package dev.verdict.protocol.participant;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * One decision of a {@link PhaseTwoBatch}: what the single-branch calls say in their path and body.
 *
 * @param txId          the transaction whose branch is to end
 * @param outcome       COMMIT (COMMIT PREPARED) or ABORT (ROLLBACK PREPARED, or a local rollback)
 * @param decisionIndex the Raft log index of the decision, as in {@link PhaseTwoRequest}
 */
public record PhaseTwoDecision(@Positive long txId, @NotNull Decision outcome, @PositiveOrZero long decisionIndex) {

    public enum Decision {
        COMMIT,
        ABORT
    }
}
