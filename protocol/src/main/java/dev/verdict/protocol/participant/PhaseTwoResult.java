package dev.verdict.protocol.participant;

import dev.verdict.protocol.ErrorCode;

/**
 * What became of one decision of a {@link PhaseTwoBatch}: the branch's outcome, as the single-branch call would
 * answer it, or the error code that call would have answered with (then {@code outcome} is null and the
 * coordinator delivers that decision again).
 */
public record PhaseTwoResult(long txId, BranchOutcome outcome, ErrorCode error, String detail) {

    public static PhaseTwoResult done(long txId, BranchOutcome outcome) {
        return new PhaseTwoResult(txId, outcome, null, null);
    }

    public static PhaseTwoResult failed(long txId, ErrorCode error, String detail) {
        return new PhaseTwoResult(txId, null, error, detail);
    }

    public boolean acknowledged() {
        return error == null;
    }
}
