package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.protocol.participant.PrepareResponse;
import java.util.concurrent.CompletableFuture;

/**
 * How the driver reaches participants. Implementations bound every call in time and fail the future when no
 * answer came; the driver then treats a PREPARE as unanswered (abort) and retries phase 2 until acknowledged.
 */
public interface ParticipantGateway {

    CompletableFuture<PrepareResponse> prepare(ParticipantView participant, long txId);

    /** Phase 2; completes when the participant acknowledged that its branch is in the decided state. */
    CompletableFuture<Void> deliver(ParticipantView participant, long txId, Outcome outcome, long decisionIndex);

    /**
     * Readies the way to a participant this node may have to call once it leads, with a call that changes no
     * branch; see {@link StandbyWarmUp}. Completes when done, whether or not the participant answered.
     */
    default CompletableFuture<Void> warmUp(ParticipantView participant) {
        return CompletableFuture.completedFuture(null);
    }
}
