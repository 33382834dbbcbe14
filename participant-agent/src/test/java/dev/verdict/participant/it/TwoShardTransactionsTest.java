package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.verdict.participant.support.CoordinatorUnderTest;
import dev.verdict.participant.support.RealCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantStatus;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Money moves between two shards (two app instances, two PostgreSQL servers) atomically, or not at all, with
 * the real coordinator (a 3-node Raft group) running the prepare round and phase 2. Only the coordinator's
 * client API is used ({@link CoordinatorUnderTest}), so the same tests run against the fake by swapping the
 * one line in {@link #start()}.
 */
class TwoShardTransactionsTest {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    static CoordinatorUnderTest coordinator;
    static TestPostgres pgA;
    static TestPostgres pgB;
    static Shard shardA;
    static Shard shardB;

    @BeforeAll
    static void start() {
        coordinator = RealCoordinator.start();
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
        assertThat(pgA.balance("alice")).as("nothing visible before the decision").isEqualTo(100);

        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);

        // phase 2 runs after the answer: wait for it, never for a fixed time
        await().atMost(PATIENCE).until(() -> pgA.balance("alice") == 70 && pgB.balance("bob") == 80);
        assertNothingPrepared();
        assertVotes(txId, Vote.YES, Vote.YES);
    }

    @Test
    void clientAbortRollsBackBothOpenBranchesAndReleasesTheirLocks() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        shardA.debit(txId, "alice", 30);
        shardB.credit(txId, "bob", 30);

        assertThat(coordinator.abort(txId).state()).isEqualTo(TxState.ABORTED);

        await().atMost(PATIENCE).until(() -> shardA.participant().branches().isEmpty() && shardB.participant().branches().isEmpty());
        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertThat(pgB.balance("bob")).isEqualTo(50);
        // the row locks are gone: local updates do not wait
        assertThat(pgA.jdbc().update("UPDATE accounts SET balance = balance WHERE id = 'alice'")).isEqualTo(1);
        assertThat(pgB.jdbc().update("UPDATE accounts SET balance = balance WHERE id = 'bob'")).isEqualTo(1);
    }

    @Test
    void abortAfterBothPreparedRollsBackBothPreparedBranches() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        shardA.debit(txId, "alice", 30);
        shardB.credit(txId, "bob", 30);
        // a prepare round whose decision never got logged (as from a deposed leader): both hold prepared GIDs
        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(shardB.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(pgA.preparedGids()).containsExactly("verdict:verdict:" + txId + ":shard-a");

        assertThat(coordinator.abort(txId).state()).isEqualTo(TxState.ABORTED);

        await().atMost(PATIENCE).until(() -> pgA.preparedGids().isEmpty() && pgB.preparedGids().isEmpty());
        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertThat(pgB.balance("bob")).isEqualTo(50);
    }

    @Test
    void overdraftFailsTheBranchWhichVotesNoAndNothingIsAppliedAnywhere() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shardB.credit(txId, "bob", 500).getStatusCode().value()).isEqualTo(200);
        // CHECK (balance >= 0) fails; the app maps it to its own 409, the starter still fails the branch
        assertThat(shardA.debit(txId, "alice", 500).getStatusCode().value()).isEqualTo(409);
        // and refuses further work for it
        assertThat(shardA.debit(txId, "alice", 1).getStatusCode().value()).isEqualTo(409);

        TransactionOutcome outcome = coordinator.commit(txId);

        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).contains("shard-a voted NO");
        await().atMost(PATIENCE).until(() -> pgB.preparedGids().isEmpty()); // shard-b had voted YES
        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertThat(pgB.balance("bob")).isEqualTo(50);
        assertNothingPrepared();
    }

    @Test
    void workThatFailsAfterWritingVotesNoEvenWhenTheAppHandledTheException() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        var response = shardA.http().post().uri("/accounts/alice/debit-then-fail?amount=30")
                .header("Verdict-Tx", Long.toString(txId)).retrieve().onStatus(s -> true, (req, res) -> { })
                .toBodilessEntity();
        assertThat(response.getStatusCode().value()).isEqualTo(422);

        TransactionOutcome outcome = coordinator.commit(txId);

        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).contains("shard-a voted NO");
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgA.balance("alice")).isEqualTo(100);
    }

    /**
     * The app swallows a database error and answers 200: with no write before it, or after a write (a fee). Either
     * way PostgreSQL's transaction is failed and would answer PREPARE with a rollback, not an error, so the agent
     * must see the failure before it prepares (its read-only check raises 25P02) and vote NO.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"debit-swallowing-errors", "debit-with-fee-swallowing-errors"})
    void aDatabaseErrorTheAppSwallowedStillMakesTheBranchVoteNo(String sloppyDebit) {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shardB.credit(txId, "bob", 500).getStatusCode().value()).isEqualTo(200);
        var response = shardA.http().post().uri("/accounts/alice/" + sloppyDebit + "?amount=500")
                .header("Verdict-Tx", Long.toString(txId)).retrieve().toBodilessEntity();
        assertThat(response.getStatusCode().value()).isEqualTo(200);

        TransactionOutcome outcome = coordinator.commit(txId);

        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).contains("shard-a voted NO");
        await().atMost(PATIENCE).until(() -> pgB.preparedGids().isEmpty());
        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertThat(pgB.balance("bob")).isEqualTo(50);
        assertNothingPrepared();
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

        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);

        await().atMost(PATIENCE).until(() -> pgA.balance("alice") == 100 - 5 * calls);
    }

    @Test
    void severalCallsJoinOneBranch() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        shardA.debit(txId, "alice", 10);
        shardA.debit(txId, "alice", 15);
        assertThat(shardA.participant().branches()).hasSize(1);

        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);

        await().atMost(PATIENCE).until(() -> pgA.balance("alice") == 75);
    }

    @Test
    void aBranchThatWroteNothingVotesReadOnlyAndEnds() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        String body = shardA.http().get().uri("/accounts/alice")
                .header("Verdict-Tx", Long.toString(txId)).retrieve().body(String.class);
        assertThat(body).contains("\"balance\":100");
        assertThat(shardB.credit(txId, "bob", 5).getStatusCode().value()).isEqualTo(200);

        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);

        assertVotes(txId, Vote.READ_ONLY, Vote.YES);
        assertThat(shardA.participant().branches()).isEmpty();
        assertThat(shardA.participant().prepare(txId).vote()).as("duplicate").isEqualTo(Vote.READ_ONLY);
        await().atMost(PATIENCE).until(() -> pgB.balance("bob") == 55);
        assertNothingPrepared();
    }

    @Test
    void workForATransactionTheCoordinatorNoLongerRunsIsRefused() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        coordinator.abort(txId);

        var response = shardA.debit(txId, "alice", 10);

        assertThat(response.getStatusCode().value()).isEqualTo(409);
        assertThat(response.getBody()).contains("\"code\":\"TRANSACTION_NOT_ACTIVE\"");
        assertThat(pgA.balance("alice")).isEqualTo(100);
    }

    private static void assertNothingPrepared() {
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgB.preparedGids()).isEmpty();
    }

    /** The votes the coordinator logged with its decision, for shard-a and shard-b. */
    private static void assertVotes(long txId, Vote a, Vote b) {
        assertThat(coordinator.status(txId).participants())
                .extracting(ParticipantStatus::participantId, ParticipantStatus::vote)
                .containsExactlyInAnyOrder(tuple("shard-a", a), tuple("shard-b", b));
    }
}
