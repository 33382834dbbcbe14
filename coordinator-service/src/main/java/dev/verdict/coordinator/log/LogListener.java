package dev.verdict.coordinator.log;

import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;

/**
 * Events of one node's log. Called on the log's own threads: implementations hand work off and return at once.
 */
public interface LogListener {

    /** A command was applied to this node's replica, at log index {@code index}. */
    default void onApplied(TxCommand command, TxResult result, long index) {
    }

    /**
     * A proposal reached this node as leader, from whichever node proposed it, and is about to be appended: not
     * committed yet, and it may never be. A hint to start work early whose result only counts once the command is
     * applied.
     */
    default void onProposalAtLeader(TxCommand command) {
    }

    /** This node became leader of {@code term} (true), or stopped being leader (false). */
    default void onLeadershipChange(boolean leader, long term) {
    }
}
