package dev.verdict.protocol.coordinator;

import java.util.List;

/** Answer to {@code GET /v1/cluster}: this node's view of the Raft group. {@code leaderId} is null when none is known. */
public record ClusterStatus(
        String clusterId,
        String nodeId,
        String leaderId,
        long term,
        long commitIndex,
        long appliedIndex,
        List<ClusterMember> members) {
}
