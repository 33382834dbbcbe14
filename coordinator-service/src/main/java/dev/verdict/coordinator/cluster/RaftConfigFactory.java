package dev.verdict.coordinator.cluster;

import dev.verdict.coordinator.log.ratis.RaftNodeConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the node's properties into the Raft node configuration, with messages that say what to fix. */
final class RaftConfigFactory {

    private RaftConfigFactory() {
    }

    static RaftNodeConfig from(CoordinatorProperties properties) {
        if (properties.nodeId() == null || properties.nodeId().isBlank()) {
            throw new IllegalArgumentException("verdict.coordinator.node-id is required (e.g. n1)");
        }
        if (properties.peers() == null || properties.peers().isEmpty()) {
            throw new IllegalArgumentException(
                    "verdict.coordinator.peers is required (e.g. n1=127.0.0.1:9871,n2=127.0.0.1:9872,n3=127.0.0.1:9873)");
        }
        if (properties.dataDir() == null) {
            throw new IllegalArgumentException("verdict.coordinator.data-dir is required: where this node keeps its log");
        }
        Map<String, String> peers = new LinkedHashMap<>();
        for (String peer : properties.peers()) {
            int eq = peer.indexOf('=');
            if (eq <= 0 || eq == peer.length() - 1) {
                throw new IllegalArgumentException("verdict.coordinator.peers entry '" + peer + "' is not id=host:port");
            }
            peers.put(peer.substring(0, eq).strip(), peer.substring(eq + 1).strip());
        }
        return new RaftNodeConfig(properties.clusterId(), properties.nodeId(), peers, properties.dataDir(),
                properties.electionTimeoutMin(), properties.electionTimeoutMax(), properties.snapshotThreshold(),
                properties.requestTimeout());
    }
}
