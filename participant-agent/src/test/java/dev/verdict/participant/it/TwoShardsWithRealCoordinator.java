package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.context.VerdictTxPropagationInterceptor;
import dev.verdict.participant.coordinator.CoordinatorCluster;
import dev.verdict.participant.coordinator.CoordinatorClusterFactory;
import dev.verdict.participant.support.ParticipantGate;
import dev.verdict.participant.support.RealCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.coordinator.TransactionBegun;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.web.client.RestClient;

/**
 * Two real agents on real PostgreSQL with the real coordinator (3-node Raft group), for a test class that
 * registers it as a static {@code @RegisterExtension} field. The coordinator and both databases serve the whole
 * class (they are the slow part to start); alice (100, on shard-a's database) and bob (50, on shard-b's) are
 * created afresh before each test. Each test starts its own agents with {@link #startShards}, as the properties
 * they need differ. After each test the agents are closed, any coordinator node the test killed is restarted
 * (so the next test has all three again) and what the test left prepared is rolled back; after the class,
 * everything is closed.
 */
final class TwoShardsWithRealCoordinator
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final List<String> coordinatorArguments;
    private RealCoordinator coordinator;
    private TestPostgres pgA;
    private TestPostgres pgB;
    private Shard shardA;
    private Shard shardB;

    /** {@code coordinatorArguments} ({@code --name=value}) go to every coordinator node, after its defaults. */
    TwoShardsWithRealCoordinator(String... coordinatorArguments) {
        this.coordinatorArguments = List.of(coordinatorArguments);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        coordinator = RealCoordinator.start(coordinatorArguments);
        pgA = TestPostgres.start();
        pgB = TestPostgres.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        pgA.createAccounts("alice", "100");
        pgB.createAccounts("bob", "50");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            Closer.closeAll(shardA, shardB);
        } finally {
            // the next test starts its own agents: these must not be closed again, nor used by it
            shardA = null;
            shardB = null;
        }
        coordinator.restartKilledNodes();
        pgA.rollbackLeftoverPrepared();
        pgB.rollbackLeftoverPrepared();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Closer.closeAll(pgA, pgB, coordinator);
    }

    /** Starts shard-a and shard-b, aimed at the coordinator's nodes. */
    void startShards(String... properties) {
        startShards(coordinator.urls(), properties);
    }

    /** Starts shard-a and shard-b, aimed at {@code coordinatorUrls} instead. */
    void startShards(List<URI> coordinatorUrls, String... properties) {
        shardA = Shard.start("shard-a", pgA, coordinatorUrls, properties);
        shardB = Shard.start("shard-b", pgB, coordinatorUrls, properties);
    }

    /**
     * A new shard-a in place of the stopped one (see {@link Shard#startAgain}); the test closes the old one
     * itself, at the moment its scenario says the agent dies.
     */
    void startShardAAgain(ParticipantGate newGate, String... overrides) {
        shardA = shardA.startAgain(newGate, overrides);
    }

    /** alice (shard-a) pays bob (shard-b), in a new transaction that is not committed yet. */
    long transfer(long amount) {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shardA.debit(txId, "alice", amount).getStatusCode().value()).isEqualTo(200);
        assertThat(shardB.credit(txId, "bob", amount).getStatusCode().value()).isEqualTo(200);
        return txId;
    }

    /** A begin declaring shard-a and shard-b, with the coordinator's whole answer (its seal among it). */
    TransactionBegun beginDeclaringBoth(Duration timeout) {
        return coordinator.beginAnswer(timeout, List.of(shardA.address(), shardB.address()));
    }

    /** The starter's client, on {@code coordinatorUrls}. */
    static GlobalTransactions globalTransactions(List<URI> coordinatorUrls, Duration timeout) {
        return globalTransactions(coordinatorUrls, timeout, false);
    }

    /** The starter's client, on {@code coordinatorUrls}, deferring the begins that declare participants or not. */
    static GlobalTransactions globalTransactions(List<URI> coordinatorUrls, Duration timeout, boolean deferBegins) {
        return new GlobalTransactions(coordinatorCluster(coordinatorUrls), timeout, Duration.ofSeconds(10),
                Clock.systemUTC(), deferBegins);
    }

    /** The starter's client of the coordinator cluster, as its auto-configuration builds it. */
    static CoordinatorCluster coordinatorCluster(List<URI> coordinatorUrls) {
        return CoordinatorClusterFactory.create(RestClient.builder(), coordinatorUrls, Duration.ofSeconds(1),
                Duration.ofSeconds(20));
    }

    /** A client of {@code shard}'s app whose calls carry the current transaction, as an app's RestClient does. */
    static RestClient propagatingClient(Shard shard) {
        return RestClient.builder().baseUrl(shard.url().toString())
                .requestInterceptor(new VerdictTxPropagationInterceptor()).build();
    }

    RealCoordinator coordinator() {
        return coordinator;
    }

    TestPostgres pgA() {
        return pgA;
    }

    TestPostgres pgB() {
        return pgB;
    }

    Shard shardA() {
        return shardA;
    }

    Shard shardB() {
        return shardB;
    }
}
