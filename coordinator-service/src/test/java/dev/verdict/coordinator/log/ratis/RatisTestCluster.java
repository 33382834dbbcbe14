package dev.verdict.coordinator.log.ratis;

import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.ratis.conf.RaftProperties;

/** A Raft group of {@link RatisDecisionLog}s in this JVM, on free local ports, each in its own directory. */
final class RatisTestCluster implements AutoCloseable {

    /** One leadership event heard by one node's listener. */
    record LeadershipEvent(String nodeId, boolean leader, long term) {
    }

    private final Path root;
    private final Map<String, String> peers = new LinkedHashMap<>();
    private final UnaryOperator<RaftNodeConfig> customize;
    private final Consumer<RaftProperties> tuning;
    private final Map<String, RatisDecisionLog> running = new LinkedHashMap<>();
    final List<LeadershipEvent> events = new CopyOnWriteArrayList<>();

    RatisTestCluster(Path root, int size, UnaryOperator<RaftNodeConfig> customize) {
        this(root, size, customize, properties -> {
        });
    }

    /** With every node's Raft server properties adjusted after Verdict's own. */
    RatisTestCluster(Path root, int size, UnaryOperator<RaftNodeConfig> customize, Consumer<RaftProperties> tuning) {
        this.root = root;
        this.customize = customize;
        this.tuning = tuning;
        List<Integer> ports = FreePorts.distinct(size);
        for (int i = 1; i <= size; i++) {
            peers.put("n" + i, "127.0.0.1:" + ports.get(i - 1));
        }
    }

    List<String> ids() {
        return List.copyOf(peers.keySet());
    }

    RaftNodeConfig config(String id) {
        return customize.apply(RaftNodeConfig.of("test-cluster", id, peers, root.resolve(id)));
    }

    RatisTestCluster startAll() {
        for (String id : peers.keySet()) {
            start(id);
        }
        return this;
    }

    /** Starts (or restarts, from the same data directory) one node. */
    synchronized RatisDecisionLog start(String id) {
        if (running.containsKey(id)) {
            throw new IllegalStateException(id + " is running");
        }
        RatisDecisionLog log = new RatisDecisionLog(config(id), new LocalReplica(), tuning);
        log.addListener(new LogListener() {
            @Override
            public void onLeadershipChange(boolean leader, long term) {
                events.add(new LeadershipEvent(id, leader, term));
            }
        });
        running.put(id, log);
        log.start();
        return log;
    }

    /** Stops one node, as a crash would (no hand-over of leadership). */
    synchronized void stop(String id) {
        RatisDecisionLog log = running.remove(id);
        if (log != null) {
            log.close();
        }
    }

    synchronized RatisDecisionLog node(String id) {
        RatisDecisionLog log = running.get(id);
        if (log == null) {
            throw new IllegalStateException(id + " is not running");
        }
        return log;
    }

    synchronized List<RatisDecisionLog> runningNodes() {
        return new ArrayList<>(running.values());
    }

    /** Waits until a running node leads and is ready; returns its id. */
    String awaitLeader(Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(this::readyLeader, id -> id != null);
    }

    /** The id of a running node that leads and is ready, or null. */
    synchronized String readyLeader() {
        for (Map.Entry<String, RatisDecisionLog> entry : running.entrySet()) {
            if (entry.getValue().leaderTerm() > 0) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** Some running node other than {@code id}. */
    synchronized String other(String id) {
        return running.keySet().stream().filter(n -> !n.equals(id)).findFirst().orElseThrow();
    }

    @Override
    public synchronized void close() {
        for (RatisDecisionLog log : running.values()) {
            log.close();
        }
        running.clear();
    }
}
