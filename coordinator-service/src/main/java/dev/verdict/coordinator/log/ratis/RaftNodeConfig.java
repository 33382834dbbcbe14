package dev.verdict.coordinator.log.ratis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * Configuration of one node of the Raft group that replicates the decision log.
 *
 * @param clusterId          names the cluster; the Raft group id is derived from it, so every node of one cluster
 *                           (and no node of another) joins the same group
 * @param nodeId             this node's id; must be one of {@code peers}
 * @param peers              every node of the group, in a stable order: node id -> Raft address {@code host:port}
 * @param dataDir            where this node keeps its Raft log, metadata and snapshots (kept across restarts)
 * @param electionTimeoutMin lower bound of the randomised election timeout
 * @param electionTimeoutMax upper bound of the randomised election timeout (a leader that stops answering is noticed
 *                           within twice this; one whose process dies, at once: {@link LeaderDeathWatch})
 * @param snapshotThreshold  applied entries between two automatic snapshots
 * @param requestTimeout     how long a proposal or linearizable read may take, retries included, before it fails
 *                           with {@code NoQuorumException}
 */
public record RaftNodeConfig(
        String clusterId,
        String nodeId,
        Map<String, String> peers,
        Path dataDir,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        long snapshotThreshold,
        Duration requestTimeout) {

    /**
     * Fits 3 or 5 nodes on one machine or a LAN: the leader heartbeats every 125 ms (half the minimum); a follower
     * that hears nothing for its random timeout (checked once per timeout, so noticed 250 ms to 1 s after the last
     * heartbeat) runs a pre-vote and an election, and the new leader commits within about 0.5-1 s of a crash. A
     * leader whose process dies (its port then refuses connections) is replaced sooner: {@link LeaderDeathWatch}.
     * Larger than Ratis's own defaults (150-300 ms) to ride out GC pauses and busy CPUs of nodes sharing a box.
     */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(250);
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(500);
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    public RaftNodeConfig {
        requireText(clusterId, "clusterId");
        requireText(nodeId, "nodeId");
        if (peers == null || peers.isEmpty()) {
            throw new IllegalArgumentException("peers must name at least one node (this node " + nodeId + ")");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        peers.forEach((id, address) -> {
            requireText(id, "peer id");
            if (!id.equals(id.strip()) || id.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("peer id '" + id + "' must not contain whitespace");
            }
            validateAddress(id, address);
            copy.put(id, address.strip());
        });
        if (!copy.containsKey(nodeId)) {
            throw new IllegalArgumentException(
                    "nodeId '" + nodeId + "' must be one of the peers " + copy.keySet());
        }
        if (copy.values().stream().distinct().count() != copy.size()) {
            throw new IllegalArgumentException("two peers share one address: " + copy);
        }
        peers = Collections.unmodifiableMap(copy);
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required (the node's Raft log lives there)");
        }
        requirePositive(electionTimeoutMin, "electionTimeoutMin");
        requirePositive(electionTimeoutMax, "electionTimeoutMax");
        if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new IllegalArgumentException("electionTimeoutMax (" + electionTimeoutMax
                    + ") must be greater than electionTimeoutMin (" + electionTimeoutMin + ")");
        }
        if (snapshotThreshold < 1) {
            throw new IllegalArgumentException("snapshotThreshold must be at least 1, was " + snapshotThreshold);
        }
        requirePositive(requestTimeout, "requestTimeout");
        if (requestTimeout.compareTo(electionTimeoutMax) <= 0) {
            throw new IllegalArgumentException("requestTimeout (" + requestTimeout
                    + ") must be greater than electionTimeoutMax (" + electionTimeoutMax
                    + "), or no request could survive a leader change");
        }
    }

    /** A node with the default timeouts and snapshot threshold. */
    public static RaftNodeConfig of(String clusterId, String nodeId, Map<String, String> peers, Path dataDir) {
        return new RaftNodeConfig(clusterId, nodeId, peers, dataDir, DEFAULT_ELECTION_TIMEOUT_MIN,
                DEFAULT_ELECTION_TIMEOUT_MAX, DEFAULT_SNAPSHOT_THRESHOLD, DEFAULT_REQUEST_TIMEOUT);
    }

    public RaftNodeConfig withElectionTimeout(Duration min, Duration max) {
        return new RaftNodeConfig(clusterId, nodeId, peers, dataDir, min, max, snapshotThreshold, requestTimeout);
    }

    public RaftNodeConfig withSnapshotThreshold(long threshold) {
        return new RaftNodeConfig(clusterId, nodeId, peers, dataDir, electionTimeoutMin, electionTimeoutMax,
                threshold, requestTimeout);
    }

    public RaftNodeConfig withRequestTimeout(Duration timeout) {
        return new RaftNodeConfig(clusterId, nodeId, peers, dataDir, electionTimeoutMin, electionTimeoutMax,
                snapshotThreshold, timeout);
    }

    /** The Raft group id: a name-based UUID of the cluster id, the same on every node. */
    public RaftGroupId groupId() {
        return groupIdOf(clusterId);
    }

    public static RaftGroupId groupIdOf(String clusterId) {
        return RaftGroupId.valueOf(
                UUID.nameUUIDFromBytes(("verdict-cluster:" + clusterId).getBytes(StandardCharsets.UTF_8)));
    }

    /** This node's Raft address. */
    public String address() {
        return peers.get(nodeId);
    }

    /** The port this node's Raft server listens on. */
    public int port() {
        return portOf(address());
    }

    static int portOf(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private static void validateAddress(String id, String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("peer '" + id + "' has no address (expected host:port)");
        }
        String trimmed = address.strip();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException(
                    "peer '" + id + "' address '" + address + "' must be host:port");
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "peer '" + id + "' address '" + address + "' has a non-numeric port", e);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(
                    "peer '" + id + "' address '" + address + "' has port " + port + " outside 1-65535");
        }
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static void requirePositive(Duration value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
    }
}
