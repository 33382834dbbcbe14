package dev.verdict.protocol.coordinator;

/** A coordinator node as this node sees it. */
public record ClusterMember(String nodeId, String raftAddress, boolean leader) {
}
