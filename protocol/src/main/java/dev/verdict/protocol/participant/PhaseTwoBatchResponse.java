package dev.verdict.protocol.participant;

import java.util.List;

/** The answer to a {@link PhaseTwoBatch}: one result per decision, in the batch's order. */
public record PhaseTwoBatchResponse(String participantId, List<PhaseTwoResult> results) {
}
