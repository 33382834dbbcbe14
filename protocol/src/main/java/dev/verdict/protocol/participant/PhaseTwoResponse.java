package dev.verdict.protocol.participant;

/** A phase-2 acknowledgement: once the coordinator has it, the participant needs nothing more for this branch. */
public record PhaseTwoResponse(long txId, String participantId, BranchOutcome outcome) {
}
