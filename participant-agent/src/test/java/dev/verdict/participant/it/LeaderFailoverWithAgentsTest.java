package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.it.CoordinatorCluster;
import dev.verdict.participant.support.ParticipantGate.Step;
import dev.verdict.participant.support.Shard;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.ParticipantStatus;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The coordinator's leader dies in the middle of a transfer between two real agents on real PostgreSQL
 * (DESIGN section 4). A {@link dev.verdict.participant.support.ParticipantGate} in front of each agent's 2PC
 * endpoints freezes the protocol at the step under test; the leader is killed there; the new leader must finish
 * the transaction the same way on both shards, leaving nothing in pg_prepared_xacts. The killed node is
 * restarted after each test.
 */
class LeaderFailoverWithAgentsTest {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final TwoShardsWithRealCoordinator fixture = new TwoShardsWithRealCoordinator();

    @Test
    void leaderKilledAfterOneYesVoteBeforeTheDecisionTheNewLeaderFinishesTheRoundTheSameEverywhere() {
        fixture.startShards();
        long txId = fixture.transfer(30);
        fixture.shardB().gate().holdNext(Step.PREPARE);

        // The client's commit, asked of the leader, which logs nothing before its decision; when that node dies,
        // the client asks another one (commit is idempotent).
        // On a thread of its own: parked on the ForkJoin common pool (one worker on two cores), it starved the
        // coordinator nodes in this JVM, whose Raft writes then stalled (something on their path uses that pool).
        CoordinatorCluster.Node askedFirst = fixture.coordinator().cluster().awaitLeader();
        CompletableFuture<TransactionOutcome> commit = new CompletableFuture<>();
        Thread.ofPlatform().name("client-commit").daemon().start(() -> {
            try {
                commit.complete(fixture.coordinator().commitAskingFirst(askedFirst, txId));
            } catch (RuntimeException e) {
                commit.completeExceptionally(e);
            }
        });
        // shard-a voted YES (its branch is in pg_prepared_xacts); shard-b's PREPARE waits at its door
        await().atMost(PATIENCE).until(() ->
                fixture.pgA().preparedGids().contains(fixture.shardA().gid(txId))
                        && fixture.shardB().gate().arrived("prepare", txId));
        // ACTIVE: the leader logs nothing before the decision (PREPARING if on a busy machine an election had
        // already moved the leadership, and with it the commit, to a StartCommit)
        assertThat(fixture.coordinator().status(txId).state()).as("no decision logged yet")
                .isIn(TxState.ACTIVE, TxState.PREPARING);

        // the leader now (on a busy machine an election may already have moved it): it cannot decide without
        // shard-b's vote, which is held
        CoordinatorCluster.Node leader = fixture.coordinator().cluster().awaitLeader();
        leader.kill();
        fixture.shardB().gate().release(); // the dead leader's held PREPARE goes on to shard-b; nobody reads its answer

        // The new leader runs the round again: for T PREPARING on its own sweep, for T ACTIVE when the client's
        // commit, which failed with the dead node, is asked again. Shard-a answers YES again from
        // pg_prepared_xacts (idempotent PREPARE), so T commits (the design allows ABORT here too; what it never
        // allows is disagreement, checked below on the databases themselves).
        await().atMost(PATIENCE).until(commit::isDone);
        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
        fixture.coordinator().awaitFinished(txId, TxState.COMMITTED);
        assertThat(fixture.shardA().gate().answered()).as("shard-a was asked to PREPARE again, by the new leader")
                .filteredOn(call -> call.txId() == txId && call.name().equals("prepare")).hasSizeGreaterThanOrEqualTo(2);
        await().atMost(PATIENCE).until(() -> fixture.pgA().balance("alice") == 70
                && fixture.pgB().balance("bob") == 80);
        assertThat(fixture.pgA().preparedGids()).isEmpty();
        assertThat(fixture.pgB().preparedGids()).isEmpty();
    }

    @Test
    void leaderKilledAfterTheDecisionBeforePhaseTwoTheNewLeaderDeliversTheSameDecision() {
        // no recovery rounds: the agents do not ask for the decision themselves, so only the new leader's
        // phase 2 can finish this transaction
        fixture.startShards(Shard.RECOVERY_ONLY_AT_START);
        long txId = fixture.transfer(30);
        fixture.shardA().gate().fail(Step.PHASE_TWO);
        fixture.shardB().gate().fail(Step.PHASE_TWO);

        assertThat(fixture.coordinator().commit(txId).state()).isEqualTo(TxState.COMMITTED);

        // the decision is logged (a linearizable status read says so) and no agent has applied it
        TransactionStatus decided = fixture.coordinator().status(txId);
        assertThat(decided.state()).isEqualTo(TxState.COMMITTED);
        assertThat(decided.decisionIndex()).isNotNull();
        assertThat(decided.participants()).noneMatch(ParticipantStatus::acknowledged);
        assertThat(fixture.pgA().preparedGids()).containsExactly(fixture.shardA().gid(txId));
        assertThat(fixture.pgB().preparedGids()).containsExactly(fixture.shardB().gid(txId));
        assertThat(fixture.pgA().balance("alice")).isEqualTo(100);

        fixture.coordinator().cluster().awaitLeader().kill();
        fixture.shardA().gate().release();
        fixture.shardB().gate().release();

        TransactionStatus finished = fixture.coordinator().awaitFinished(txId, TxState.COMMITTED);
        assertThat(finished.decisionIndex()).as("the same decision").isEqualTo(decided.decisionIndex());
        assertThat(fixture.pgA().balance("alice")).isEqualTo(70);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(80);
        assertThat(fixture.pgA().preparedGids()).isEmpty();
        assertThat(fixture.pgB().preparedGids()).isEmpty();
        for (Shard shard : new Shard[] {fixture.shardA(), fixture.shardB()}) {
            assertThat(shard.gate().answered("commit", txId, 200)).as(shard.participantId() + " applied COMMIT").isTrue();
            assertThat(shard.gate().answered()).noneMatch(call -> call.txId() == txId && call.name().equals("abort"));
        }
    }
}
