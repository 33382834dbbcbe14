package dev.verdict.coordinator.log;

import java.util.List;

/** One node's view of the Raft group. {@code leaderId} is null while no leader is known. */
public record LogStatus(
        String nodeId,
        String leaderId,
        long term,
        long commitIndex,
        long appliedIndex,
        List<Member> members) {

    public LogStatus {
        members = List.copyOf(members);
    }

    public boolean isLeader() {
        return nodeId.equals(leaderId);
    }

    public record Member(String nodeId, String address) {
    }
}
