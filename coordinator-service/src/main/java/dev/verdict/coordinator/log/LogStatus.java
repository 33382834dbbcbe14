package dev.verdict.coordinator.log;

import java.util.List;

/**
 * One node's view of the Raft group. {@code leaderId} is null while no leader is known. {@code serving} says this
 * node takes part in the group: false before it started, after it closed, and when its Raft server closed itself
 * on an internal error (the process may be running while the node is lost to the group).
 */
public record LogStatus(
        String nodeId,
        boolean serving,
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
