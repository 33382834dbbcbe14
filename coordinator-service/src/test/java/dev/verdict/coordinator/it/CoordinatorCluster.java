package dev.verdict.coordinator.it;

import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.CoordinatorApplication;
import dev.verdict.coordinator.testing.FreePorts;
import dev.verdict.protocol.coordinator.ClusterStatus;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/** Real coordinator nodes (Spring Boot app, Raft, REST) in this JVM, each with its own data dir and ports. */
final class CoordinatorCluster implements AutoCloseable {

    final class Node {
        final String id;
        final int raftPort;
        final int httpPort;
        final Path dataDir;
        ConfigurableApplicationContext context;

        Node(String id, Path dataDir, int raftPort, int httpPort) {
            this.id = id;
            this.raftPort = raftPort;
            this.httpPort = httpPort;
            this.dataDir = dataDir;
        }

        void start() {
            context = new SpringApplicationBuilder(CoordinatorApplication.class).run(
                    "--server.port=" + httpPort,
                    "--server.shutdown=immediate",
                    "--verdict.coordinator.node-id=" + id,
                    "--verdict.coordinator.peers=" + peers(),
                    "--verdict.coordinator.data-dir=" + dataDir,
                    "--verdict.coordinator.participant-call-timeout=1s",
                    "--verdict.coordinator.retry-max=300ms",
                    "--logging.level.org.apache.ratis=ERROR");
        }

        /** Stops the node at once: its in-memory state, in-flight calls and Raft server are gone. */
        void kill() {
            context.close();
            context = null;
        }

        boolean running() {
            return context != null;
        }

        CoordinatorApi api() {
            return HttpServiceProxyFactory
                    .builderFor(RestClientAdapter.create(RestClient.builder().baseUrl("http://127.0.0.1:" + httpPort).build()))
                    .build()
                    .createClient(CoordinatorApi.class);
        }
    }

    final List<Node> nodes = new ArrayList<>();

    CoordinatorCluster(Path baseDir, int size) {
        List<Integer> ports = FreePorts.distinct(2 * size);
        for (int i = 1; i <= size; i++) {
            nodes.add(new Node("n" + i, baseDir.resolve("n" + i), ports.get(2 * i - 2), ports.get(2 * i - 1)));
        }
        nodes.forEach(Node::start);
    }

    private String peers() {
        return nodes.stream().map(n -> n.id + "=127.0.0.1:" + n.raftPort).collect(Collectors.joining(","));
    }

    /** The leader every running node agrees on. */
    Node awaitLeader() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<String> seen = running().stream().map(n -> n.api().cluster().leaderId()).distinct().toList();
            if (seen.size() != 1 || seen.getFirst() == null) {
                return null;
            }
            return node(seen.getFirst());
        }, Objects::nonNull);
    }

    Node follower() {
        Node leader = awaitLeader();
        return running().stream().filter(n -> n != leader).findFirst().orElseThrow();
    }

    ClusterStatus status(Node node) {
        return node.api().cluster();
    }

    List<Node> running() {
        return nodes.stream().filter(Node::running).toList();
    }

    Node node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        running().forEach(Node::kill);
    }
}
