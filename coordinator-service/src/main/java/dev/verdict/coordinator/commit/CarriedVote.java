package dev.verdict.coordinator.commit;

import dev.verdict.protocol.Vote;

/**
 * A participant's vote that came with the commit, signed by the participant and checked
 * ({@link dev.verdict.protocol.participant.SignedVote}): counted as that participant's answer to PREPARE if it is
 * still enlisted at {@code endpoint} when the round starts.
 */
public record CarriedVote(String participantId, String endpoint, Vote vote) {
}
