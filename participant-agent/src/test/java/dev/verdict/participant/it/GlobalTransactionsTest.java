package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.coordinator.CoordinatorClusterFactory;
import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.participant.support.FakeCoordinator;
import dev.verdict.participant.support.RealCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/**
 * The client side: {@code GlobalTransactions.execute} begins, runs the work with Verdict-Tx propagated on
 * RestClient calls, and commits or aborts, against the real coordinator (a 3-node Raft group). Node failover
 * of the client uses fake nodes for what a real one cannot be asked to do (answer 503 on demand).
 */
class GlobalTransactionsTest {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    static RealCoordinator coordinator;
    static TestPostgres pgA;
    static TestPostgres pgB;
    static Shard shardA;
    static Shard shardB;
    static GlobalTransactions transactions;
    static RestClient toA;
    static RestClient toB;

    @BeforeAll
    static void start() {
        coordinator = RealCoordinator.start();
        pgA = TestPostgres.start();
        pgB = TestPostgres.start();
        shardA = Shard.start("shard-a", pgA, coordinator.urls());
        shardB = Shard.start("shard-b", pgB, coordinator.urls());
        // shard A's app plays the gateway: its GlobalTransactions bean and its auto-configured RestClient.Builder
        transactions = shardA.context().getBean(GlobalTransactions.class);
        RestClient.Builder builder = shardA.context().getBean(RestClient.Builder.class);
        toA = builder.clone().baseUrl(shardA.url().toString()).build();
        toB = builder.clone().baseUrl(shardB.url().toString()).build();
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(shardA, shardB, pgA, pgB, coordinator);
    }

    @BeforeEach
    void accounts() {
        pgA.createAccounts("alice", "100");
        pgB.createAccounts("bob", "50");
    }

    @Test
    void executeCommitsOnSuccessWithVerdictTxPropagated() {
        AtomicLong seen = new AtomicLong();
        TransactionOutcome outcome = transactions.execute(Duration.ofSeconds(30), tx -> {
            Map<?, ?> read = toA.get().uri("/accounts/alice").retrieve().body(Map.class);
            seen.set(Long.parseLong((String) read.get("tx")));
            toA.post().uri("/accounts/alice/debit?amount=30").retrieve().toBodilessEntity();
            toB.post().uri("/accounts/bob/credit?amount=30").retrieve().toBodilessEntity();
        });

        assertThat(outcome.state()).isEqualTo(TxState.COMMITTED);
        assertThat(seen.get()).as("Verdict-Tx header the app received").isEqualTo(outcome.txId());
        assertThat(coordinator.enlisted(outcome.txId())).extracting("participantId")
                .containsExactlyInAnyOrder("shard-a", "shard-b");
        await().atMost(PATIENCE).until(() -> pgA.balance("alice") == 70 && pgB.balance("bob") == 80); // phase 2 follows the answer
        // outside execute nothing is propagated
        assertThat(toA.get().uri("/accounts/alice").retrieve().body(Map.class)).containsEntry("tx", "null");
    }

    @Test
    void executeAbortsWhenTheWorkThrows() {
        AtomicLong txId = new AtomicLong();
        Throwable failure = catchThrowable(() -> transactions.execute(Duration.ofSeconds(30), tx -> {
            txId.set(tx.txId());
            toA.post().uri("/accounts/alice/debit?amount=30").retrieve().toBodilessEntity();
            toB.post().uri("/accounts/bob/credit?amount=30").retrieve().toBodilessEntity();
            throw new IllegalStateException("the gateway changed its mind");
        }));

        assertThat(failure).isInstanceOf(IllegalStateException.class);
        assertThat(coordinator.state(txId.get())).isEqualTo(TxState.ABORTED);
        await().atMost(PATIENCE).until(() -> shardA.participant().branches().isEmpty() && shardB.participant().branches().isEmpty());
        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertThat(pgB.balance("bob")).isEqualTo(50);
    }

    @Test
    void executeReturnsAbortedWhenAParticipantVotesNo() {
        TransactionOutcome outcome = transactions.execute(Duration.ofSeconds(30), tx -> {
            toB.post().uri("/accounts/bob/credit?amount=500").retrieve().toBodilessEntity();
            // the overdraft fails on shard A; the work goes on and asks to commit anyway
            var response = toA.post().uri("/accounts/alice/debit?amount=500").retrieve()
                    .onStatus(s -> true, (req, res) -> { }).toBodilessEntity();
            assertThat(response.getStatusCode().value()).isEqualTo(409);
        });

        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).contains("shard-a");
        coordinator.awaitFinished(outcome.txId(), TxState.ABORTED); // shard-b voted YES, then rolled back
        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertThat(pgB.balance("bob")).isEqualTo(50);
        assertThat(pgB.preparedGids()).isEmpty();
    }

    @Test
    void theClientMovesOnToTheNextCoordinatorNodeOnConnectionFailureOr503() throws Exception {
        try (FakeCoordinator noQuorum = FakeCoordinator.start()) {
            noQuorum.available(false);
            URI dead = URI.create("http://localhost:" + closedPort());
            List<URI> urls = new ArrayList<>(List.of(dead, noQuorum.url()));
            urls.addAll(coordinator.urls());
            GlobalTransactions client = client(urls);

            long txId = client.begin(Duration.ofSeconds(30)).txId();
            assertThat(client.status(txId).state()).isEqualTo(TxState.ACTIVE);
            assertThat(noQuorum.calls()).as("the 503 node was tried").isPositive();
            assertThat(client.abort(txId).state()).isEqualTo(TxState.ABORTED);

            GlobalTransactions noNodeAnswers = client(List.of(dead, noQuorum.url()));
            assertThat(catchThrowable(() -> noNodeAnswers.status(txId))).isInstanceOf(CoordinatorUnavailableException.class);
        }
    }

    private static GlobalTransactions client(List<URI> urls) {
        return new GlobalTransactions(
                CoordinatorClusterFactory.create(RestClient.builder(), urls, Duration.ofSeconds(1), Duration.ofSeconds(3)),
                Duration.ofSeconds(30), Duration.ofSeconds(1), Clock.systemUTC());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
