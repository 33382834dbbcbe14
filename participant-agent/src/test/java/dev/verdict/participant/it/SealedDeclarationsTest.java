package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.coordinator.CoordinatorClusterFactory;
import dev.verdict.participant.context.VerdictTxPropagationInterceptor;
import dev.verdict.participant.support.RealCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.DeclarationSeal;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The coordinator's seal on the participants declared at begin, end to end: the real coordinator (3-node Raft
 * group) signs the begin's answer, real agents check it. The agents here know the key but cannot reach any
 * coordinator node: a branch opens only when it needs no enlist, and a branch that must enlist fails with 503
 * PARTICIPANT_UNAVAILABLE. So each test shows which of the two happened. PREPARE and phase 2 come from the
 * coordinator to the agents, which still works.
 */
class SealedDeclarationsTest {

    static final String KEY = "sealed-declarations-test-key-0123456789";
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    static RealCoordinator coordinator;
    static TestPostgres pgA;
    static TestPostgres pgB;
    Shard shardA;
    Shard shardB;

    @BeforeAll
    static void start() {
        coordinator = RealCoordinator.start(List.of("--verdict.coordinator.declaration-key=" + KEY));
        pgA = TestPostgres.start();
        pgB = TestPostgres.start();
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(pgA, pgB, coordinator);
    }

    @BeforeEach
    void startShardsCutOffFromTheCoordinator() throws Exception {
        pgA.createAccounts("alice", "100");
        pgB.createAccounts("bob", "50");
        List<URI> nowhere = List.of(URI.create("http://127.0.0.1:" + closedPort()));
        shardA = Shard.start("shard-a", pgA, nowhere, "verdict.participant.declaration-key=" + KEY);
        shardB = Shard.start("shard-b", pgB, nowhere, "verdict.participant.declaration-key=" + KEY);
    }

    @AfterEach
    void stopShards() {
        Closer.closeAll(shardA, shardB);
        pgA.rollbackLeftoverPrepared();
        pgB.rollbackLeftoverPrepared();
    }

    @Test
    void declaredParticipantsOpenTheirBranchesOnTheSealAndCommit() {
        TransactionBegun begun = coordinator.beginAnswer(TIMEOUT, List.of(shardA.address(), shardB.address()));
        assertThat(begun.declaration()).as("the begin's answer seals the declared participants").isNotNull();

        assertThat(shardA.debit(begun.txId(), begun.declaration(), "alice", 10).getStatusCode().value()).isEqualTo(200);
        assertThat(shardB.credit(begun.txId(), begun.declaration(), "bob", 10).getStatusCode().value()).isEqualTo(200);

        assertThat(coordinator.commit(begun.txId()).state()).isEqualTo(TxState.COMMITTED);
        coordinator.awaitFinished(begun.txId(), TxState.COMMITTED);
        assertThat(pgA.balance("alice")).isEqualTo(90);
        assertThat(pgB.balance("bob")).isEqualTo(60);
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgB.preparedGids()).isEmpty();
    }

    @Test
    void theStartersClientForwardsTheSealWithTheTransaction() {
        GlobalTransactions transactions = new GlobalTransactions(
                CoordinatorClusterFactory.create(RestClient.builder(), coordinator.urls(), Duration.ofSeconds(1),
                        Duration.ofSeconds(20)),
                TIMEOUT, Duration.ofSeconds(10), Clock.systemUTC());
        RestClient toA = RestClient.builder().baseUrl(shardA.url().toString())
                .requestInterceptor(new VerdictTxPropagationInterceptor()).build();
        RestClient toB = RestClient.builder().baseUrl(shardB.url().toString())
                .requestInterceptor(new VerdictTxPropagationInterceptor()).build();

        TransactionOutcome outcome = transactions.execute(TIMEOUT, List.of(shardA.address(), shardB.address()), tx -> {
            toA.post().uri("/accounts/alice/debit?amount=30").retrieve().toBodilessEntity();
            toB.post().uri("/accounts/bob/credit?amount=30").retrieve().toBodilessEntity();
        });

        assertThat(outcome.state()).isEqualTo(TxState.COMMITTED);
        coordinator.awaitFinished(outcome.txId(), TxState.COMMITTED);
        assertThat(pgA.balance("alice")).isEqualTo(70);
        assertThat(pgB.balance("bob")).isEqualTo(80);
    }

    @Test
    void aSealThatDoesNotNameTheParticipantMakesItEnlist() {
        // a client that declared shard-b only, and sends shard-b's seal to shard-a too
        TransactionBegun begun = coordinator.beginAnswer(TIMEOUT, List.of(shardB.address()));

        assertEnlistNeeded(shardA.debit(begun.txId(), begun.declaration(), "alice", 10));
        assertThat(shardB.credit(begun.txId(), begun.declaration(), "bob", 10).getStatusCode().value()).isEqualTo(200);
        coordinator.abort(begun.txId());
    }

    @Test
    void aSealOfAnotherTransactionOrKeyOrAnExpiredOneMakesTheParticipantEnlist() {
        List<ParticipantAddress> both = List.of(shardA.address(), shardB.address());
        TransactionBegun first = coordinator.beginAnswer(TIMEOUT, both);
        TransactionBegun second = coordinator.beginAnswer(TIMEOUT, both);
        DeclarationSeal otherKey = new DeclarationSeal("not-the-cluster-key-but-long-enough-0123");
        String forged = otherKey.seal(second.txId(), second.deadline(), both).orElseThrow();
        String expired = new DeclarationSeal(KEY).seal(second.txId(), Instant.now().minusSeconds(1), both).orElseThrow();

        assertEnlistNeeded(shardA.debit(second.txId(), first.declaration(), "alice", 10));
        assertEnlistNeeded(shardA.debit(second.txId(), forged, "alice", 10));
        assertEnlistNeeded(shardA.debit(second.txId(), expired, "alice", 10));
        assertEnlistNeeded(shardA.debit(second.txId(), "v1.garbage", "alice", 10));
        // the genuine seal still opens the branch: the refusals above left nothing behind
        assertThat(shardA.debit(second.txId(), second.declaration(), "alice", 10).getStatusCode().value()).isEqualTo(200);
        coordinator.abort(first.txId());
        coordinator.abort(second.txId());
    }

    @Test
    void noParticipantsDeclaredNoSeal() {
        assertThat(coordinator.beginAnswer(TIMEOUT, List.of()).declaration()).isNull();
    }

    private static void assertEnlistNeeded(ResponseEntity<String> response) {
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(503);
        assertThat(response.getBody()).contains("PARTICIPANT_UNAVAILABLE").contains("enlist");
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
