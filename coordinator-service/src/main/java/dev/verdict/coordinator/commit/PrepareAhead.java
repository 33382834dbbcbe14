package dev.verdict.coordinator.commit;

/**
 * A hint that a commit was asked for: the leader may start PREPARE while the StartCommit that freezes the
 * participant set is still being logged, so the two overlap instead of running one after the other. The votes
 * only count if the participant set they were asked of is the one StartCommit froze.
 */
@FunctionalInterface
public interface PrepareAhead {

    /** For nodes and tests that do not overlap the two. */
    PrepareAhead NONE = txId -> {
    };

    void prepareAhead(long txId);
}
