package dev.verdict.coordinator.it;

import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.CoordinatorApplication;
import dev.verdict.coordinator.testing.FreePorts;
import dev.verdict.protocol.coordinator.ClusterStatus;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * Real coordinator nodes (Spring Boot app, Raft, REST) in this JVM, each with its own data dir and ports.
 * Public, and shipped in this module's test-jar, because the participant starter's tests run it too.
 */
public final class CoordinatorCluster implements AutoCloseable {

    public final class Node {
        public final String id;
        public final int raftPort;
        public final int httpPort;
        public final Path dataDir;
        ConfigurableApplicationContext context;

        Node(String id, Path dataDir, int raftPort, int httpPort) {
            this.id = id;
            this.raftPort = raftPort;
            this.httpPort = httpPort;
            this.dataDir = dataDir;
        }

        /** Starts the node (again, after {@link #kill()}: it recovers its log from its data dir). */
        public void start() {
            List<String> args = new ArrayList<>(List.of(
                    "--server.port=" + httpPort,
                    "--server.shutdown=immediate",
                    "--verdict.coordinator.node-id=" + id,
                    "--verdict.coordinator.peers=" + peers(),
                    "--verdict.coordinator.data-dir=" + dataDir,
                    "--verdict.coordinator.participant-call-timeout=1s",
                    "--verdict.coordinator.retry-max=300ms",
                    "--logging.level.org.apache.ratis=ERROR"));
            args.addAll(extraArgs);
            context = new SpringApplicationBuilder(CoordinatorApplication.class).run(lastOfEachOption(args));
        }

        /** Stops the node at once: its in-memory state, in-flight calls and Raft server are gone. */
        public void kill() {
            context.close();
            context = null;
        }

        public boolean running() {
            return context != null;
        }

        public String url() {
            return "http://127.0.0.1:" + httpPort;
        }

        public CoordinatorApi api() {
            return HttpServiceProxyFactory
                    .builderFor(RestClientAdapter.create(RestClient.builder()
                            // Pinned to the JDK client, as before Apache HttpClient 5 came onto this class path
                            // (session 13): with Spring's default pick, Apache's, LeaderFailoverIT's nodes failed to
                            // elect a ready leader until the killed node's in-process close ended. Under
                            // investigation (see the session-13 notes); not seen with separate processes.
                            .requestFactory(new JdkClientHttpRequestFactory())
                            .baseUrl(url()).build()))
                    .build()
                    .createClient(CoordinatorApi.class);
        }
    }

    public final List<Node> nodes = new ArrayList<>();
    private final List<String> extraArgs;

    public CoordinatorCluster(Path baseDir, int size) {
        this(baseDir, size, List.of());
    }

    /** {@code extraArgs} (e.g. {@code --verdict.coordinator.participant-call-timeout=5s}) override the defaults above. */
    public CoordinatorCluster(Path baseDir, int size, List<String> extraArgs) {
        this.extraArgs = List.copyOf(extraArgs);
        List<Integer> ports = FreePorts.distinct(2 * size);
        for (int i = 1; i <= size; i++) {
            nodes.add(new Node("n" + i, baseDir.resolve("n" + i), ports.get(2 * i - 2), ports.get(2 * i - 1)));
        }
        nodes.forEach(Node::start);
    }

    /** Spring joins the values of a repeated option with commas; here a later {@code --name=value} replaces an earlier one. */
    private static String[] lastOfEachOption(List<String> args) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            byName.put(equals < 0 ? arg : arg.substring(0, equals), arg);
        }
        return byName.values().toArray(String[]::new);
    }

    private String peers() {
        return nodes.stream().map(n -> n.id + "=127.0.0.1:" + n.raftPort).collect(Collectors.joining(","));
    }

    /** The leader every running node agrees on. */
    public Node awaitLeader() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<String> seen = running().stream().map(n -> n.api().cluster().leaderId()).distinct().toList();
            if (seen.size() != 1 || seen.getFirst() == null) {
                return null;
            }
            return node(seen.getFirst());
        }, Objects::nonNull);
    }

    public Node follower() {
        Node leader = awaitLeader();
        return running().stream().filter(n -> n != leader).findFirst().orElseThrow();
    }

    public ClusterStatus status(Node node) {
        return node.api().cluster();
    }

    public List<Node> running() {
        return nodes.stream().filter(Node::running).toList();
    }

    public Node node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    /** Starts every killed node again; each must catch up with the leader's log from its data dir. */
    public void restartKilledNodes() {
        for (Node node : nodes) {
            if (!node.running()) {
                node.start();
                long leaderCommit = status(awaitLeader()).commitIndex();
                await().atMost(Duration.ofSeconds(20)).until(() -> status(node).appliedIndex() >= leaderCommit);
            }
        }
    }

    @Override
    public void close() {
        running().forEach(Node::kill);
    }
}
