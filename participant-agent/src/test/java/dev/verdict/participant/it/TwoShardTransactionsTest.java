package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.verdict.participant.support.FakeCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.participant.BranchOutcome;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Money moves between two shards (two app instances, two PostgreSQL servers) atomically, or not at all. */
class TwoShardTransactionsTest {

    static FakeCoordinator coordinator;
    static TestPostgres pgA;
    static TestPostgres pgB;
    static Shard shardA;
    static Shard shardB;

    @BeforeAll
    static void start() {
        coordinator = FakeCoordinator.start();
        pgA = TestPostgres.start();
        pgB = TestPostgres.start();
        shardA = Shard.start("shard-a", pgA, coordinator.urls());
        shardB = Shard.start("shard-b", pgB, coordinator.urls());
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
    void commitAppliesTheTransferOnBothShards() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shardA.debit(txId, "alice", 30).getStatusCode().value()).isEqualTo(200);
        assertThat(shardB.credit(txId, "bob", 30).getStatusCode().value()).isEqualTo(200);
        assertThat(coordinator.enlisted(txId)).extracting("participantId").containsExactlyInAnyOrder("shard-a", "shard-b");

        // nothing visible before the decision
        assertThat(pgA.balance("alice")).isEqualTo(100);

        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(shardB.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(pgA.preparedGids()).containsExactly("verdict:verdict:" + txId + ":shard-a");
        coordinator.decide(txId, TxState.COMMITTED);

        assertThat(shardA.participant().commit(txId, new PhaseTwoRequest(7)).outcome()).isEqualTo(BranchOutcome.COMMITTED);
        assertThat(shardB.participant().commit(txId, new PhaseTwoRequest(7)).outcome()).isEqualTo(BranchOutcome.COMMITTED);

        assertThat(pgA.balance("alice")).isEqualTo(70);
        assertThat(pgB.balance("bob")).isEqualTo(80);
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgB.preparedGids()).isEmpty();
    }

    @Test
    void abortAfterPrepareLeavesBothShardsUnchanged() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        shardA.debit(txId, "alice", 30);
        shardB.credit(txId, "bob", 30);
        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(shardB.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        coordinator.decide(txId, TxState.ABORTED);

        // As the coordinator does, a 503 is retried. Recovery may roll the branch back first (phase 2 of one txId
        // runs one at a time on the agent): the agent remembers it and still answers ROLLED_BACK.
        for (Shard shard : List.of(shardA, shardB)) {
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                    assertThat(shard.participant().abort(txId, new PhaseTwoRequest(8)).outcome())
                            .isEqualTo(BranchOutcome.ROLLED_BACK));
        }

        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertThat(pgB.balance("bob")).isEqualTo(50);
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgB.preparedGids()).isEmpty();
    }

    @Test
    void abortOfOpenBranchesRollsThemBack() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        shardA.debit(txId, "alice", 30);
        shardB.credit(txId, "bob", 30);

        assertThat(shardA.participant().abort(txId, new PhaseTwoRequest(0)).outcome()).isEqualTo(BranchOutcome.ROLLED_BACK);
        assertThat(shardB.participant().abort(txId, new PhaseTwoRequest(0)).outcome()).isEqualTo(BranchOutcome.ROLLED_BACK);

        assertThat(shardA.participant().branches()).isEmpty();
        assertThat(pgA.balance("alice")).isEqualTo(100);
        // the row lock is gone: a local update does not wait
        assertThat(pgA.jdbc().update("UPDATE accounts SET balance = balance WHERE id = 'alice'")).isEqualTo(1);
    }

    @Test
    void overdraftFailsTheBranchWhichVotesNoAndNothingIsAppliedAnywhere() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shardB.credit(txId, "bob", 500).getStatusCode().value()).isEqualTo(200);
        // CHECK (balance >= 0) fails; the app maps it to its own 409, the starter still fails the branch
        assertThat(shardA.debit(txId, "alice", 500).getStatusCode().value()).isEqualTo(409);
        // and refuses further work for it
        assertThat(shardA.debit(txId, "alice", 1).getStatusCode().value()).isEqualTo(409);

        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.NO);
        assertThat(shardB.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        coordinator.decide(txId, TxState.ABORTED);
        shardA.participant().abort(txId, new PhaseTwoRequest(9));
        shardB.participant().abort(txId, new PhaseTwoRequest(9));

        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertThat(pgB.balance("bob")).isEqualTo(50);
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgB.preparedGids()).isEmpty();
    }

    @Test
    void workThatFailsAfterWritingVotesNoEvenWhenTheAppHandledTheException() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        var response = shardA.http().post().uri("/accounts/alice/debit-then-fail?amount=30")
                .header("Verdict-Tx", Long.toString(txId)).retrieve().onStatus(s -> true, (req, res) -> { })
                .toBodilessEntity();
        assertThat(response.getStatusCode().value()).isEqualTo(422);

        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.NO);
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgA.balance("alice")).isEqualTo(100);
    }

    @Test
    void aDatabaseErrorTheAppSwallowedStillMakesTheBranchVoteNo() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shardB.credit(txId, "bob", 500).getStatusCode().value()).isEqualTo(200);
        var response = shardA.http().post().uri("/accounts/alice/debit-swallowing-errors?amount=500")
                .header("Verdict-Tx", Long.toString(txId)).retrieve().toBodilessEntity();
        assertThat(response.getStatusCode().value()).isEqualTo(200);

        // PostgreSQL's transaction is aborted: PREPARE must not pretend otherwise
        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.NO);
        assertThat(shardB.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        coordinator.decide(txId, TxState.ABORTED);
        shardB.participant().abort(txId, new PhaseTwoRequest(12));
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgB.balance("bob")).isEqualTo(50);
    }

    @Test
    void concurrentCallsForOneTransactionRunOneAfterTheOtherInOneBranch() throws Exception {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        int calls = 8;
        try (var executor = Executors.newFixedThreadPool(calls)) {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                statuses.add(executor.submit(() -> shardA.debit(txId, "alice", 5).getStatusCode().value()));
            }
            for (Future<Integer> status : statuses) {
                assertThat(status.get()).isEqualTo(200);
            }
        }
        assertThat(coordinator.enlisted(txId)).hasSize(1);
        assertThat(shardA.participant().branches()).hasSize(1);
        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        coordinator.decide(txId, TxState.COMMITTED);
        shardA.participant().commit(txId, new PhaseTwoRequest(13));
        assertThat(pgA.balance("alice")).isEqualTo(100 - 5 * calls);
    }

    @Test
    void severalCallsJoinOneBranch() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        shardA.debit(txId, "alice", 10);
        shardA.debit(txId, "alice", 15);
        assertThat(shardA.participant().branches()).hasSize(1);
        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        coordinator.decide(txId, TxState.COMMITTED);
        shardA.participant().commit(txId, new PhaseTwoRequest(10));
        assertThat(pgA.balance("alice")).isEqualTo(75);
    }

    @Test
    void aBranchThatWroteNothingVotesReadOnlyAndEnds() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        String body = shardA.http().get().uri("/accounts/alice")
                .header("Verdict-Tx", Long.toString(txId)).retrieve().body(String.class);
        assertThat(body).contains("\"balance\":100");
        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.READ_ONLY);
        assertThat(shardA.participant().prepare(txId).vote()).as("duplicate").isEqualTo(Vote.READ_ONLY);
        assertThat(shardA.participant().branches()).isEmpty();
        assertThat(pgA.preparedGids()).isEmpty();
    }

    @Test
    void workForATransactionTheCoordinatorNoLongerRunsIsRefused() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        coordinator.decide(txId, TxState.ABORTED);
        var response = shardA.debit(txId, "alice", 10);
        assertThat(response.getStatusCode().value()).isEqualTo(409);
        assertThat(response.getBody()).contains("\"code\":\"TRANSACTION_NOT_ACTIVE\"");
        assertThat(pgA.balance("alice")).isEqualTo(100);
    }
}
