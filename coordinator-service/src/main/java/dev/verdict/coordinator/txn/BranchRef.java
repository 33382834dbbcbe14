package dev.verdict.coordinator.txn;

import java.util.Objects;

/** One participant's branch of one transaction. */
public record BranchRef(long txId, String participantId) {
    public BranchRef {
        Objects.requireNonNull(participantId, "participantId");
    }
}
