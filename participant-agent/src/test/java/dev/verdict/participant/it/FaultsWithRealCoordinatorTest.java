package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.verdict.participant.support.ParticipantGate;
import dev.verdict.participant.support.ParticipantGate.Step;
import dev.verdict.participant.support.Shard;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.participant.BranchOutcome;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.web.client.HttpStatusCodeException;

/**
 * Faults on the participant side and of the client, with the real coordinator (3-node Raft group) and two real
 * agents on real PostgreSQL (DESIGN section 4): a client that never commits, an agent that dies after its YES or
 * before PREPARE, PostgreSQL restarting under a prepared branch, duplicated and late messages. Each test switches
 * off the agents' other safety nets where they would hide the handling under test (see {@link Shard#NO_REAPER},
 * {@link Shard#RECOVERY_ONLY_AT_START}).
 */
class FaultsWithRealCoordinatorTest {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final TwoShardsWithRealCoordinator fixture = new TwoShardsWithRealCoordinator();

    private static void assertNothingPrepared() {
        assertThat(fixture.pgA().preparedGids()).isEmpty();
        assertThat(fixture.pgB().preparedGids()).isEmpty();
    }

    @Test
    void aClientThatNeverCommitsIsAbortedAtItsDeadlineAndTheRowItLockedIsFreeAgain() {
        fixture.startShards(Shard.NO_REAPER); // the agent's own reaper stays out: the coordinator's abort must do it
        long abandoned = fixture.coordinator().begin(Duration.ofSeconds(2));
        assertThat(fixture.shardA().debit(abandoned, "alice", 40).getStatusCode().value()).isEqualTo(200);
        assertThat(fixture.shardA().participant().branches()).hasSize(1); // holding alice's row lock
        // ... and the client is gone

        TransactionStatus aborted = fixture.coordinator().awaitFinished(abandoned, TxState.ABORTED);
        assertThat(aborted.reason()).contains("deadline");
        assertThat(fixture.shardA().participant().branches()).as("rolled back by the delivered abort").isEmpty();

        long second = fixture.coordinator().begin(Duration.ofSeconds(30));
        assertThat(fixture.shardA().debit(second, "alice", 25).getStatusCode().value()).as("the row is not locked")
                .isEqualTo(200);
        assertThat(fixture.coordinator().commit(second).state()).isEqualTo(TxState.COMMITTED);
        fixture.coordinator().awaitFinished(second, TxState.COMMITTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(75);
        // the vanished client, back late, is told the truth
        assertThat(fixture.coordinator().commit(abandoned).state()).isEqualTo(TxState.ABORTED);
        assertNothingPrepared();
    }

    @Test
    void participantsDeclaredAtBeginEnlistWithoutALogWriteAndCommit() {
        fixture.startShards();
        ParticipantAddress a = fixture.shardA().address();
        assertThat(a).isEqualTo(new ParticipantAddress("shard-a", fixture.shardA().url().toString()));
        long txId = fixture.coordinator().begin(Duration.ofSeconds(30), List.of(a, fixture.shardB().address()));
        long afterBegin = fixture.coordinator().leaderCommitIndex();
        // A follower hears that the Begin is committed only with the leader's next message; an enlist it gets
        // before then is answered by a read through the log (a log entry, as designed). The replica path is the
        // one under test here, so every replica has the Begin first (without this, CI once saw 3 entries, not 2).
        fixture.coordinator().awaitAppliedEverywhere(afterBegin);

        assertThat(fixture.shardA().debit(txId, "alice", 10).getStatusCode().value()).isEqualTo(200);
        assertThat(fixture.shardB().credit(txId, "bob", 10).getStatusCode().value()).isEqualTo(200);

        assertThat(fixture.coordinator().leaderCommitIndex()).as("both enlists were answered without a log entry")
                .isEqualTo(afterBegin);
        assertThat(fixture.coordinator().commit(txId).state()).isEqualTo(TxState.COMMITTED);
        fixture.coordinator().awaitFinished(txId, TxState.COMMITTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(90);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(60);
        assertNothingPrepared();
    }

    @Test
    void aParticipantDeclaredButNeverCalledVotesNoAndNothingIsApplied() {
        fixture.startShards();
        long txId = fixture.coordinator().begin(Duration.ofSeconds(30),
                List.of(fixture.shardA().address(), fixture.shardB().address()));
        assertThat(fixture.shardA().debit(txId, "alice", 10).getStatusCode().value()).isEqualTo(200);
        // the client never calls shard-b

        TransactionOutcome outcome = fixture.coordinator().commit(txId);

        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).contains("shard-b");
        fixture.coordinator().awaitFinished(txId, TxState.ABORTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(100);
        assertNothingPrepared();
    }

    @Test
    void anAgentStoppedAfterVotingYesResolvesItsPreparedBranchOnRestart() {
        fixture.startShards(Shard.RECOVERY_ONLY_AT_START);
        long txId = fixture.transfer(30);
        fixture.shardA().gate().fail(Step.PHASE_TWO); // phase 2 never reaches shard-a's first life

        assertThat(fixture.coordinator().commit(txId).state()).isEqualTo(TxState.COMMITTED);
        await().atMost(PATIENCE).until(() -> fixture.pgB().balance("bob") == 80);
        fixture.shardA().close(); // the agent dies after its YES, before learning the decision
        assertThat(fixture.pgA().preparedGids()).as("the prepared branch outlives its agent")
                .containsExactly(fixture.shardA().gid(txId));
        assertThat(fixture.pgA().balance("alice")).isEqualTo(100);

        // Its second life keeps the coordinator's phase-2 redelivery out, so recovery alone must resolve the GID:
        // it lists its GIDs in pg_prepared_xacts, asks the coordinator, and commits.
        ParticipantGate gate = new ParticipantGate();
        gate.fail(Step.PHASE_TWO);
        fixture.startShardAAgain(gate, "verdict.participant.recovery-interval=200ms");
        await().atMost(PATIENCE).until(() -> fixture.pgA().preparedGids().isEmpty());
        assertThat(fixture.pgA().balance("alice")).isEqualTo(70);

        gate.release(); // the coordinator's retries get through now, and are acknowledged
        fixture.coordinator().awaitFinished(txId, TxState.COMMITTED);
        assertNothingPrepared();
    }

    @Test
    void anAgentStoppedBeforePrepareLostItsBranchVotesNoAndNothingIsAppliedAnywhere() {
        fixture.startShards();
        long txId = fixture.transfer(30);
        fixture.shardA().close(); // the open branch dies with its connection, and its row lock with it
        fixture.startShardAAgain(new ParticipantGate());

        TransactionOutcome outcome = fixture.coordinator().commit(txId);

        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).contains("shard-a voted NO");
        fixture.coordinator().awaitFinished(txId, TxState.ABORTED); // shard-b had voted YES and rolled back
        assertNothingPrepared();
        assertThat(fixture.pgA().balance("alice")).isEqualTo(100);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(50);
    }

    @Test
    void postgresRestartedUnderAPreparedBranchKeepsItAndTheCommitIsAppliedAfterwards() {
        fixture.startShards(Shard.RECOVERY_ONLY_AT_START); // phase 2 from the coordinator is the only way to resolve it
        long txId = fixture.transfer(30);
        fixture.shardA().gate().fail(Step.PHASE_TWO);
        assertThat(fixture.coordinator().commit(txId).state()).isEqualTo(TxState.COMMITTED);
        await().atMost(PATIENCE).until(() -> fixture.pgB().balance("bob") == 80);
        assertThat(fixture.pgA().preparedGids()).containsExactly(fixture.shardA().gid(txId));

        fixture.pgA().stop();
        try {
            // the coordinator's retries reach the agent now, while its database is down
            fixture.shardA().gate().release();
            await().atMost(PATIENCE).until(() -> fixture.shardA().gate().answered().stream()
                    .anyMatch(call -> call.txId() == txId && call.name().equals("commit")));
        } finally {
            fixture.pgA().startAgain();
        }

        fixture.coordinator().awaitFinished(txId, TxState.COMMITTED);
        // alice's debit existed only in the prepared transaction: seeing it proves the branch survived the restart
        assertThat(fixture.pgA().balance("alice")).isEqualTo(70);
        assertNothingPrepared();
        // what the agent answered while its database was down: 503, retry later; never an outcome
        assertThat(fixture.shardA().gate().answered("commit", txId, 503)).isTrue();
    }

    @Test
    void duplicateAndLateMessagesChangeNoOutcome() {
        fixture.startShards();
        long txId = fixture.transfer(30);
        // a PREPARE whose answer got lost (its leader died): shard-a is prepared before the coordinator's round,
        // whose PREPARE is then a duplicate, answered YES again from pg_prepared_xacts
        assertThat(fixture.shardA().participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(fixture.coordinator().commit(txId).state()).isEqualTo(TxState.COMMITTED);
        long decisionIndex = fixture.coordinator().awaitFinished(txId, TxState.COMMITTED).decisionIndex();

        // late copies of every message, after the decision was applied
        assertThat(fixture.coordinator().commit(txId).state()).isEqualTo(TxState.COMMITTED);
        var abortAfterCommit = catchThrowableOfType(HttpStatusCodeException.class,
                () -> fixture.coordinator().abort(txId));
        assertThat(abortAfterCommit.getResponseBodyAs(Map.class)).containsEntry("code", "TRANSACTION_ALREADY_COMMITTED");
        assertThat(fixture.shardA().participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(fixture.shardA().participant().commit(txId, new PhaseTwoRequest(decisionIndex)).outcome())
                .isEqualTo(BranchOutcome.COMMITTED);
        assertThat(fixture.shardB().participant().abort(txId, new PhaseTwoRequest(0)).outcome())
                .isEqualTo(BranchOutcome.COMMITTED);
        assertThat(fixture.shardB().credit(txId, "bob", 1000).getStatusCode().value()).as("late work").isEqualTo(409);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(70);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(80);

        // and for an aborted transaction: a late PREPARE votes NO, late work is refused, a late commit is told ABORTED
        long aborted = fixture.transfer(10);
        assertThat(fixture.coordinator().abort(aborted).state()).isEqualTo(TxState.ABORTED);
        fixture.coordinator().awaitFinished(aborted, TxState.ABORTED);
        assertThat(fixture.shardA().participant().prepare(aborted).vote()).isEqualTo(Vote.NO);
        assertThat(fixture.shardB().credit(aborted, "bob", 10).getStatusCode().value()).isEqualTo(409);
        assertThat(fixture.coordinator().commit(aborted).state()).isEqualTo(TxState.ABORTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(70);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(80);
        assertNothingPrepared();
    }
}
