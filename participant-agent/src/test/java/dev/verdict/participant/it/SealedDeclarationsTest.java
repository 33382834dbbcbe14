package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.DeclarationSeal;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @RegisterExtension
    static final TwoShardsWithRealCoordinator fixture =
            new TwoShardsWithRealCoordinator("--verdict.coordinator.declaration-key=" + KEY);

    @BeforeEach
    void startShardsCutOffFromTheCoordinator() throws Exception {
        List<URI> nowhere = List.of(URI.create("http://127.0.0.1:" + closedPort()));
        fixture.startShards(nowhere, "verdict.participant.declaration-key=" + KEY);
    }

    @Test
    void declaredParticipantsOpenTheirBranchesOnTheSealAndCommit() {
        TransactionBegun begun = fixture.beginDeclaringBoth(TIMEOUT);
        assertThat(begun.declaration()).as("the begin's answer seals the declared participants").isNotNull();

        assertThat(fixture.shardA().debit(begun.txId(), begun.declaration(), "alice", 10).getStatusCode().value())
                .isEqualTo(200);
        assertThat(fixture.shardB().credit(begun.txId(), begun.declaration(), "bob", 10).getStatusCode().value())
                .isEqualTo(200);

        assertThat(fixture.coordinator().commit(begun.txId()).state()).isEqualTo(TxState.COMMITTED);
        fixture.coordinator().awaitFinished(begun.txId(), TxState.COMMITTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(90);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(60);
        assertThat(fixture.pgA().preparedGids()).isEmpty();
        assertThat(fixture.pgB().preparedGids()).isEmpty();
    }

    @Test
    void theStartersClientForwardsTheSealWithTheTransaction() {
        GlobalTransactions transactions =
                TwoShardsWithRealCoordinator.globalTransactions(fixture.coordinator().urls(), TIMEOUT);
        RestClient toA = TwoShardsWithRealCoordinator.propagatingClient(fixture.shardA());
        RestClient toB = TwoShardsWithRealCoordinator.propagatingClient(fixture.shardB());

        List<ParticipantAddress> declared = List.of(fixture.shardA().address(), fixture.shardB().address());
        TransactionOutcome outcome = transactions.execute(TIMEOUT, declared, tx -> {
            toA.post().uri("/accounts/alice/debit?amount=30").retrieve().toBodilessEntity();
            toB.post().uri("/accounts/bob/credit?amount=30").retrieve().toBodilessEntity();
        });

        assertThat(outcome.state()).isEqualTo(TxState.COMMITTED);
        fixture.coordinator().awaitFinished(outcome.txId(), TxState.COMMITTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(70);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(80);
    }

    @Test
    void aSealThatDoesNotNameTheParticipantMakesItEnlist() {
        // a client that declared shard-b only, and sends shard-b's seal to shard-a too
        TransactionBegun begun = fixture.coordinator().beginAnswer(TIMEOUT, List.of(fixture.shardB().address()));

        assertEnlistNeeded(fixture.shardA().debit(begun.txId(), begun.declaration(), "alice", 10));
        assertThat(fixture.shardB().credit(begun.txId(), begun.declaration(), "bob", 10).getStatusCode().value())
                .isEqualTo(200);
        fixture.coordinator().abort(begun.txId());
    }

    @Test
    void aSealOfAnotherTransactionOrKeyOrAnExpiredOneMakesTheParticipantEnlist() {
        List<ParticipantAddress> both = List.of(fixture.shardA().address(), fixture.shardB().address());
        TransactionBegun first = fixture.coordinator().beginAnswer(TIMEOUT, both);
        TransactionBegun second = fixture.coordinator().beginAnswer(TIMEOUT, both);
        DeclarationSeal otherKey = new DeclarationSeal("not-the-cluster-key-but-long-enough-0123");
        String forged = otherKey.seal(second.txId(), second.deadline(), both).orElseThrow();
        String expired = new DeclarationSeal(KEY).seal(second.txId(), Instant.now().minusSeconds(1), both).orElseThrow();

        assertEnlistNeeded(fixture.shardA().debit(second.txId(), first.declaration(), "alice", 10));
        assertEnlistNeeded(fixture.shardA().debit(second.txId(), forged, "alice", 10));
        assertEnlistNeeded(fixture.shardA().debit(second.txId(), expired, "alice", 10));
        assertEnlistNeeded(fixture.shardA().debit(second.txId(), "v1.garbage", "alice", 10));
        // the genuine seal still opens the branch: the refusals above left nothing behind
        assertThat(fixture.shardA().debit(second.txId(), second.declaration(), "alice", 10).getStatusCode().value())
                .isEqualTo(200);
        fixture.coordinator().abort(first.txId());
        fixture.coordinator().abort(second.txId());
    }

    @Test
    void noParticipantsDeclaredNoSeal() {
        assertThat(fixture.coordinator().beginAnswer(TIMEOUT, List.of()).declaration()).isNull();
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
