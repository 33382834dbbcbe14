package dev.verdict.protocol.participant;

import jakarta.validation.constraints.PositiveOrZero;

/**
 * Body of phase-2 calls (commit, abort). {@code decisionIndex} is the Raft log index at which the decision was
 * logged: a monotonic fencing token the participant records with the outcome. Zero when the abort is not the
 * result of a logged decision (the coordinator never sends COMMIT without one).
 */
public record PhaseTwoRequest(@PositiveOrZero long decisionIndex) {
}
