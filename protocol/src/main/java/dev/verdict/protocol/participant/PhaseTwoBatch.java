package dev.verdict.protocol.participant;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Phase 2 of several transactions in one call: the decisions a coordinator has for one participant while its
 * previous call to it was under way. Each decision is carried out as its own single-branch call would be.
 */
public record PhaseTwoBatch(@NotEmpty @Size(max = MAX_DECISIONS) List<@NotNull @Valid PhaseTwoDecision> decisions) {

    /** The most decisions one call may carry. */
    public static final int MAX_DECISIONS = 256;
}
