package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.it.CoordinatorCluster;
import dev.verdict.participant.support.ParticipantGate.Step;
import dev.verdict.participant.support.RealCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.ParticipantStatus;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's leader dies in the middle of a transfer between two real agents on real PostgreSQL
 * (DESIGN section 4). A {@link dev.verdict.participant.support.ParticipantGate} in front of each agent's 2PC
 * endpoints freezes the protocol at the step under test; the leader is killed there; the new leader must finish
 * the transaction the same way on both shards, leaving nothing in pg_prepared_xacts. The killed node is
 * restarted after each test.
 */
class LeaderFailoverWithAgentsTest {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    static RealCoordinator coordinator;
    static TestPostgres pgA;
    static TestPostgres pgB;
    Shard shardA;
    Shard shardB;

    @BeforeAll
    static void start() {
        coordinator = RealCoordinator.start();
        pgA = TestPostgres.start();
        pgB = TestPostgres.start();
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(pgA, pgB, coordinator);
    }

    @BeforeEach
    void accounts() {
        pgA.createAccounts("alice", "100");
        pgB.createAccounts("bob", "50");
    }

    @AfterEach
    void cleanUp() {
        Closer.closeAll(shardA, shardB);
        coordinator.restartKilledNodes();
        pgA.rollbackLeftoverPrepared();
        pgB.rollbackLeftoverPrepared();
    }

    private void startShards(String... properties) {
        shardA = Shard.start("shard-a", pgA, coordinator.urls(), properties);
        shardB = Shard.start("shard-b", pgB, coordinator.urls(), properties);
    }

    /** alice (shard-a) pays bob (shard-b) 30, in a new transaction that is not committed yet. */
    private long transfer() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shardA.debit(txId, "alice", 30).getStatusCode().value()).isEqualTo(200);
        assertThat(shardB.credit(txId, "bob", 30).getStatusCode().value()).isEqualTo(200);
        return txId;
    }

    @Test
    void leaderKilledAfterOneYesVoteBeforeTheDecisionTheNewLeaderFinishesTheRoundTheSameEverywhere() {
        startShards();
        long txId = transfer();
        shardB.gate().holdNext(Step.PREPARE);

        // The client's commit; if the node it went to dies, the client asks another one (commit is idempotent).
        // On a thread of its own: parked on the ForkJoin common pool (one worker on two cores), it starved the
        // coordinator nodes in this JVM, whose Raft writes then stalled (something on their path uses that pool).
        CompletableFuture<TransactionOutcome> commit = new CompletableFuture<>();
        Thread.ofPlatform().name("client-commit").daemon().start(() -> {
            try {
                commit.complete(coordinator.commit(txId));
            } catch (RuntimeException e) {
                commit.completeExceptionally(e);
            }
        });
        // shard-a voted YES (its branch is in pg_prepared_xacts); shard-b's PREPARE waits at its door
        await().atMost(PATIENCE).until(() ->
                pgA.preparedGids().contains(shardA.gid(txId)) && shardB.gate().arrived("prepare", txId));
        assertThat(coordinator.status(txId).state()).as("no decision logged yet").isEqualTo(TxState.PREPARING);

        // the leader now (on a busy machine an election may already have moved it): it cannot decide without
        // shard-b's vote, which is held
        CoordinatorCluster.Node leader = coordinator.cluster().awaitLeader();
        leader.kill();
        shardB.gate().release(); // the dead leader's held PREPARE goes on to shard-b; nobody reads its answer

        // The new leader finds T PREPARING and runs the round again: shard-a answers YES again from
        // pg_prepared_xacts (idempotent PREPARE), so T commits (the design allows ABORT here too; what it never
        // allows is disagreement, checked below on the databases themselves).
        await().atMost(PATIENCE).until(commit::isDone);
        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
        coordinator.awaitFinished(txId, TxState.COMMITTED);
        assertThat(shardA.gate().answered()).as("shard-a was asked to PREPARE again, by the new leader")
                .filteredOn(call -> call.txId() == txId && call.name().equals("prepare")).hasSizeGreaterThanOrEqualTo(2);
        await().atMost(PATIENCE).until(() -> pgA.balance("alice") == 70 && pgB.balance("bob") == 80);
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgB.preparedGids()).isEmpty();
    }

    @Test
    void leaderKilledAfterTheDecisionBeforePhaseTwoTheNewLeaderDeliversTheSameDecision() {
        // no recovery rounds: the agents do not ask for the decision themselves, so only the new leader's
        // phase 2 can finish this transaction
        startShards(Shard.RECOVERY_ONLY_AT_START);
        long txId = transfer();
        shardA.gate().fail(Step.PHASE_TWO);
        shardB.gate().fail(Step.PHASE_TWO);

        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);

        // the decision is logged (a linearizable status read says so) and no agent has applied it
        TransactionStatus decided = coordinator.status(txId);
        assertThat(decided.state()).isEqualTo(TxState.COMMITTED);
        assertThat(decided.decisionIndex()).isNotNull();
        assertThat(decided.participants()).noneMatch(ParticipantStatus::acknowledged);
        assertThat(pgA.preparedGids()).containsExactly(shardA.gid(txId));
        assertThat(pgB.preparedGids()).containsExactly(shardB.gid(txId));
        assertThat(pgA.balance("alice")).isEqualTo(100);

        coordinator.cluster().awaitLeader().kill();
        shardA.gate().release();
        shardB.gate().release();

        TransactionStatus finished = coordinator.awaitFinished(txId, TxState.COMMITTED);
        assertThat(finished.decisionIndex()).as("the same decision").isEqualTo(decided.decisionIndex());
        assertThat(pgA.balance("alice")).isEqualTo(70);
        assertThat(pgB.balance("bob")).isEqualTo(80);
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgB.preparedGids()).isEmpty();
        for (Shard shard : new Shard[] {shardA, shardB}) {
            assertThat(shard.gate().answered("commit", txId, 200)).as(shard.participantId() + " applied COMMIT").isTrue();
            assertThat(shard.gate().answered()).noneMatch(call -> call.txId() == txId && call.name().equals("abort"));
        }
    }
}
