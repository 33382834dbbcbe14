package dev.verdict.protocol.coordinator;

import java.util.List;

/**
 * Answer to {@code GET /v1/cluster}: this node's view of the Raft group. {@code leaderId} is null when none is known.
 * {@code serving} is false while this node takes no part in the group (its Raft server not started, closed, or
 * closed by Raft itself on an internal error): its view is then stale, and the node needs a restart.
 */
public record ClusterStatus(
        String clusterId,
        String nodeId,
        String leaderId,
        long term,
        long commitIndex,
        long appliedIndex,
        List<ClusterMember> members,
        boolean serving) {
}
