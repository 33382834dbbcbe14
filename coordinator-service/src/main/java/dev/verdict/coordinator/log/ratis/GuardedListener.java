package dev.verdict.coordinator.log.ratis;

import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a failing listener from breaking the apply loop or the leadership bookkeeping. */
record GuardedListener(LogListener delegate) implements LogListener {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);

    @Override
    public void onApplied(TxCommand command, TxResult result, long index) {
        try {
            delegate.onApplied(command, result, index);
        } catch (RuntimeException e) {
            LOG.error("log listener {} failed on command at index {}", delegate, index, e);
        }
    }

    @Override
    public void onProposalAtLeader(TxCommand command) {
        try {
            delegate.onProposalAtLeader(command);
        } catch (RuntimeException e) {
            LOG.error("log listener {} failed on a proposal of {}", delegate, command, e);
        }
    }

    @Override
    public void onLeadershipChange(boolean leader, long term) {
        try {
            delegate.onLeadershipChange(leader, term);
        } catch (RuntimeException e) {
            LOG.error("log listener {} failed on leadership change ({}, term {})", delegate, leader, term, e);
        }
    }
}
