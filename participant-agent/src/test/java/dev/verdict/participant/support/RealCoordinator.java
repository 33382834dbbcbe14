package dev.verdict.participant.support;

import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.it.CoordinatorCluster;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.ParticipantStatus;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

/**
 * The real coordinator: a 3-node Raft group of coordinator-service nodes (Spring Boot, Apache Ratis, REST API,
 * 2PC driver) in this JVM, started by the coordinator's own test harness ({@link CoordinatorCluster}, from its
 * test-jar) in a temporary directory that {@link #close()} deletes. Fault tests reach the nodes through
 * {@link #cluster()} to kill the leader.
 */
public final class RealCoordinator implements CoordinatorUnderTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Path dataDir;
    private final CoordinatorCluster cluster;
    private final AtomicInteger calls = new AtomicInteger();

    private RealCoordinator(Path dataDir, CoordinatorCluster cluster) {
        this.dataDir = dataDir;
        this.cluster = cluster;
    }

    public static RealCoordinator start() {
        return start(List.of());
    }

    /** A group whose nodes get {@code moreArguments} ({@code --name=value}) after the defaults below. */
    public static RealCoordinator start(List<String> moreArguments) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("verdict-coordinator");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CoordinatorCluster cluster = null;
        try {
            List<String> arguments = new ArrayList<>(List.of(
                    // A PREPARE is a PostgreSQL PREPARE TRANSACTION with fsync on a machine shared with other
                    // builds: give it time, so a slow vote is not turned into an abort by the call's time limit.
                    "--verdict.coordinator.participant-call-timeout=10s",
                    // Same reason, for the Raft group itself: these tests share two cores with other builds, and
                    // CPU starvation was seen to stall replication past the 250-500 ms election and 5 s request
                    // defaults (spurious elections, 503 NO_QUORUM). Failover is slower, never wrong.
                    "--verdict.coordinator.election-timeout-min=1s",
                    "--verdict.coordinator.election-timeout-max=2s",
                    "--verdict.coordinator.request-timeout=15s",
                    "--spring.main.banner-mode=off",
                    // This class path also holds the participant starter and JDBC, which a coordinator node
                    // never has: keep their auto-configuration out of the nodes.
                    "--verdict.participant.enabled=false",
                    "--verdict.client.enabled=false",
                    "--spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"));
            arguments.addAll(moreArguments);
            cluster = new CoordinatorCluster(dataDir, 3, arguments);
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

    /**
     * Calls the coordinator as a client should: any running node serves any call, and a node that is down
     * (killed by the test) or answers 503 (no quorum yet, e.g. during an election on a busy machine) is
     * followed by the next one, until {@link #PATIENCE}. Every call used here may be repeated safely.
     */
    private <T> T call(Function<CoordinatorApi, T> call) {
        return await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsMatching(RealCoordinator::unavailable)
                .until(() -> call.apply(nextNode().api()), Objects::nonNull);
    }

    private CoordinatorCluster.Node nextNode() {
        List<CoordinatorCluster.Node> running = cluster.running();
        return running.get(Math.floorMod(calls.getAndIncrement(), running.size()));
    }

    private static boolean unavailable(Throwable e) {
        return e instanceof ResourceAccessException
                || e instanceof HttpServerErrorException error && error.getStatusCode().value() == 503;
    }

    @Override
    public List<URI> urls() {
        return cluster.nodes.stream().map(node -> URI.create(node.url())).toList();
    }

    @Override
    public long begin(Duration timeout) {
        return begin(timeout, List.of());
    }

    /** Begins a transaction with these participants declared, as {@code GlobalTransactions.begin} does. */
    public long begin(Duration timeout, List<ParticipantAddress> declared) {
        return beginAnswer(timeout, declared).txId();
    }

    /** The whole answer to a begin with these participants declared (with the seal on them, if any). */
    public TransactionBegun beginAnswer(Duration timeout, List<ParticipantAddress> declared) {
        String idempotencyKey = UUID.randomUUID().toString(); // a retried begin begins one transaction
        return call(api -> api.begin(new BeginTransactionRequest(timeout.toMillis(), declared), idempotencyKey));
    }

    /** The leader's commit index: how many entries the log holds. */
    public long leaderCommitIndex() {
        return cluster.awaitLeader().api().cluster().commitIndex();
    }

    @Override
    public List<ParticipantAddress> enlisted(long txId) {
        return status(txId).participants().stream()
                .map(p -> new ParticipantAddress(p.participantId(), p.endpoint()))
                .toList();
    }

    @Override
    public TransactionOutcome commit(long txId) {
        return call(api -> api.commit(txId));
    }

    /** A commit asked of {@code first}, then, while that node cannot serve it, of the others as {@link #commit}. */
    public TransactionOutcome commitAskingFirst(CoordinatorCluster.Node first, long txId) {
        try {
            return first.api().commit(txId);
        } catch (RuntimeException e) {
            if (!unavailable(e)) {
                throw e;
            }
            return commit(txId);
        }
    }

    @Override
    public TransactionOutcome abort(long txId) {
        return call(api -> api.abort(txId));
    }

    @Override
    public TransactionStatus status(long txId) {
        return call(api -> api.status(txId));
    }

    /** Waits until txId is decided as expected and every participant acknowledged phase 2. */
    public TransactionStatus awaitFinished(long txId, TxState expected) {
        return await().atMost(PATIENCE).ignoreExceptions().until(() -> status(txId), status ->
                status.state() == expected && status.decisionIndex() != null
                        && status.participants().stream().allMatch(ParticipantStatus::acknowledged));
    }

    /** Waits until every running node's replica has applied the log up to {@code index}. */
    public void awaitAppliedEverywhere(long index) {
        for (CoordinatorCluster.Node node : cluster.running()) {
            await().atMost(PATIENCE).ignoreExceptions().until(() -> node.api().cluster().appliedIndex() >= index);
        }
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
