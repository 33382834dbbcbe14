package dev.verdict.coordinator.commit.sim;

import dev.verdict.coordinator.log.InMemoryDecisionLog;

/** The replicated log as a whole: one committed history, and who leads it (null during an election). */
final class SimLog {

    private final InMemoryDecisionLog shared;
    private String leaderId;
    private long term;
    boolean faulty = true;

    SimLog(InMemoryDecisionLog shared) {
        this.shared = shared;
    }

    InMemoryDecisionLog shared() {
        return shared;
    }

    boolean hasLeader() {
        return leaderId != null;
    }

    String leaderId() {
        return leaderId;
    }

    long term() {
        return term;
    }

    void setLeader(String leaderId) {
        this.leaderId = leaderId;
        if (leaderId != null) {
            term++;
        }
    }
}
