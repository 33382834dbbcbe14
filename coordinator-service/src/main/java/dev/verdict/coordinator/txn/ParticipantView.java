package dev.verdict.coordinator.txn;

import dev.verdict.protocol.Vote;

/** An enlisted participant. {@code vote} is null until a decision records it. */
public record ParticipantView(String participantId, String endpoint, Vote vote, boolean acknowledged) {
}
