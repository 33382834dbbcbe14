package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.Vote;

/** One enlisted participant: its vote once the decision is logged, and whether it acknowledged phase 2. */
public record ParticipantStatus(String participantId, String endpoint, Vote vote, boolean acknowledged) {
}
