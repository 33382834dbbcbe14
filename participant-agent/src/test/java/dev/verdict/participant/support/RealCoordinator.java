package dev.verdict.participant.support;

import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.it.CoordinatorCluster;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.EnlistRequest;
import dev.verdict.protocol.coordinator.ParticipantStatus;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real coordinator: a 3-node Raft group of coordinator-service nodes (Spring Boot, Apache Ratis, REST API,
 * 2PC driver) in this JVM, started by the coordinator's own test harness ({@link CoordinatorCluster}, from its
 * test-jar) in a temporary directory that {@link #close()} deletes. Fault tests reach the nodes through
 * {@link #cluster()} to kill the leader.
 */
public final class RealCoordinator implements CoordinatorUnderTest {

    private final Path dataDir;
    private final CoordinatorCluster cluster;

    private RealCoordinator(Path dataDir, CoordinatorCluster cluster) {
        this.dataDir = dataDir;
        this.cluster = cluster;
    }

    public static RealCoordinator start() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("verdict-coordinator");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CoordinatorCluster cluster = null;
        try {
            cluster = new CoordinatorCluster(dataDir, 3, List.of(
                    // A PREPARE is a PostgreSQL PREPARE TRANSACTION with fsync on a machine shared with other
                    // builds: give it time, so a slow vote is not turned into an abort by the call's time limit.
                    "--verdict.coordinator.participant-call-timeout=10s",
                    "--spring.main.banner-mode=off",
                    // This class path also holds the participant starter and JDBC, which a coordinator node
                    // never has: keep their auto-configuration out of the nodes.
                    "--verdict.participant.enabled=false",
                    "--verdict.client.enabled=false",
                    "--spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"));
            cluster.awaitLeader();
            return new RealCoordinator(dataDir, cluster);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            deleteRecursively(dataDir);
            throw e;
        }
    }

    public CoordinatorCluster cluster() {
        return cluster;
    }

    /** A client of any running node (each serves every call). */
    public CoordinatorApi api() {
        return cluster.running().getFirst().api();
    }

    @Override
    public List<URI> urls() {
        return cluster.nodes.stream().map(node -> URI.create(node.url())).toList();
    }

    @Override
    public long begin(Duration timeout) {
        return api().begin(new BeginTransactionRequest(timeout.toMillis()), null).txId();
    }

    @Override
    public List<EnlistRequest> enlisted(long txId) {
        return status(txId).participants().stream()
                .map(p -> new EnlistRequest(p.participantId(), p.endpoint()))
                .toList();
    }

    @Override
    public TransactionOutcome commit(long txId) {
        return api().commit(txId);
    }

    @Override
    public TransactionOutcome abort(long txId) {
        return api().abort(txId);
    }

    @Override
    public TransactionStatus status(long txId) {
        return api().status(txId);
    }

    /** Waits until txId is decided as expected and every participant acknowledged phase 2. */
    public TransactionStatus awaitFinished(long txId, TxState expected) {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> status(txId), status ->
                status.state() == expected && status.decisionIndex() != null
                        && status.participants().stream().allMatch(ParticipantStatus::acknowledged));
    }

    /** Starts every node a test killed and waits until it caught up, so the next test has all three again. */
    public void restartKilledNodes() {
        cluster.restartKilledNodes();
        cluster.awaitLeader();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path path) {
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: it is a temporary directory
        }
    }
}
