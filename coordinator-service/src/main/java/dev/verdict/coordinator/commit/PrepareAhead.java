package dev.verdict.coordinator.commit;

import java.util.List;

/**
 * How a commit reaches the leader's prepare round without waiting for a log write first.
 *
 * <p>A commit asked of a follower travels to the leader as a StartCommit; the leader may start PREPARE while that
 * StartCommit is still being logged ({@link #prepareAhead}), so the two overlap, and decide as soon as the votes
 * are in. A commit asked of the leader itself logs nothing before its decision ({@link #commitAtLeader}). Either
 * way the votes only count if the participant set they were asked of is the one enlisted when the decision is
 * applied (TransactionTable.decide checks it).
 */
@FunctionalInterface
public interface PrepareAhead {

    /** For nodes and tests that do neither. */
    PrepareAhead NONE = txId -> {
    };

    /** A StartCommit for {@code txId} is on its way through the log: PREPARE may start now. */
    void prepareAhead(long txId);

    /**
     * A commit asked of this node, for a transaction its replica shows ACTIVE with participants and well before
     * its deadline. Returns true if this node leads and takes the commit over: it sends PREPARE at once (not to a
     * participant whose checked vote came with the commit: that vote is its answer) and logs only the decision,
     * or, when it cannot, logs the StartCommit itself. False: the caller logs the StartCommit.
     */
    default boolean commitAtLeader(long txId, List<CarriedVote> votes) {
        return false;
    }
}
