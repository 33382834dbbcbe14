package dev.verdict.coordinator.commit;

/**
 * A hint that a commit was asked for: the leader may start PREPARE while the StartCommit that freezes the
 * participant set is still being logged, so the two overlap instead of running one after the other, and decide
 * as soon as the votes are in. The votes only count if the participant set they were asked of is the one
 * enlisted when the decision is applied (TransactionTable.decide checks it).
 */
@FunctionalInterface
public interface PrepareAhead {

    /** For nodes and tests that do not overlap the two. */
    PrepareAhead NONE = txId -> {
    };

    void prepareAhead(long txId);
}
