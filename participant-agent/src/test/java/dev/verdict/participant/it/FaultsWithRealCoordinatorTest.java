package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.verdict.participant.support.ParticipantGate;
import dev.verdict.participant.support.ParticipantGate.Step;
import dev.verdict.participant.support.RealCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
        pgA.rollbackLeftoverPrepared();
        pgB.rollbackLeftoverPrepared();
    }

    private void startShards(String... properties) {
        shardA = Shard.start("shard-a", pgA, coordinator.urls(), properties);
        shardB = Shard.start("shard-b", pgB, coordinator.urls(), properties);
    }

    /** alice (shard-a) pays bob (shard-b), in a new transaction that is not committed yet. */
    private long transfer(long amount) {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shardA.debit(txId, "alice", amount).getStatusCode().value()).isEqualTo(200);
        assertThat(shardB.credit(txId, "bob", amount).getStatusCode().value()).isEqualTo(200);
        return txId;
    }

    private static void assertNothingPrepared() {
        assertThat(pgA.preparedGids()).isEmpty();
        assertThat(pgB.preparedGids()).isEmpty();
    }

    @Test
    void aClientThatNeverCommitsIsAbortedAtItsDeadlineAndTheRowItLockedIsFreeAgain() {
        startShards(Shard.NO_REAPER); // the agent's own reaper stays out: the coordinator's abort must do it
        long abandoned = coordinator.begin(Duration.ofSeconds(2));
        assertThat(shardA.debit(abandoned, "alice", 40).getStatusCode().value()).isEqualTo(200);
        assertThat(shardA.participant().branches()).hasSize(1); // holding alice's row lock
        // ... and the client is gone

        TransactionStatus aborted = coordinator.awaitFinished(abandoned, TxState.ABORTED);
        assertThat(aborted.reason()).contains("deadline");
        assertThat(shardA.participant().branches()).as("rolled back by the delivered abort").isEmpty();

        long second = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shardA.debit(second, "alice", 25).getStatusCode().value()).as("the row is not locked").isEqualTo(200);
        assertThat(coordinator.commit(second).state()).isEqualTo(TxState.COMMITTED);
        coordinator.awaitFinished(second, TxState.COMMITTED);
        assertThat(pgA.balance("alice")).isEqualTo(75);
        // the vanished client, back late, is told the truth
        assertThat(coordinator.commit(abandoned).state()).isEqualTo(TxState.ABORTED);
        assertNothingPrepared();
    }

    @Test
    void participantsDeclaredAtBeginEnlistWithoutALogWriteAndCommit() {
        startShards();
        ParticipantAddress a = shardA.address();
        assertThat(a).isEqualTo(new ParticipantAddress("shard-a", shardA.url().toString()));
        long txId = coordinator.begin(Duration.ofSeconds(30), List.of(a, shardB.address()));
        long afterBegin = coordinator.leaderCommitIndex();

        assertThat(shardA.debit(txId, "alice", 10).getStatusCode().value()).isEqualTo(200);
        assertThat(shardB.credit(txId, "bob", 10).getStatusCode().value()).isEqualTo(200);

        assertThat(coordinator.leaderCommitIndex()).as("both enlists were answered without a log entry").isEqualTo(afterBegin);
        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);
        coordinator.awaitFinished(txId, TxState.COMMITTED);
        assertThat(pgA.balance("alice")).isEqualTo(90);
        assertThat(pgB.balance("bob")).isEqualTo(60);
        assertNothingPrepared();
    }

    @Test
    void aParticipantDeclaredButNeverCalledVotesNoAndNothingIsApplied() {
        startShards();
        long txId = coordinator.begin(Duration.ofSeconds(30), List.of(shardA.address(), shardB.address()));
        assertThat(shardA.debit(txId, "alice", 10).getStatusCode().value()).isEqualTo(200);
        // the client never calls shard-b

        TransactionOutcome outcome = coordinator.commit(txId);

        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).contains("shard-b");
        coordinator.awaitFinished(txId, TxState.ABORTED);
        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertNothingPrepared();
    }

    @Test
    void anAgentStoppedAfterVotingYesResolvesItsPreparedBranchOnRestart() {
        startShards(Shard.RECOVERY_ONLY_AT_START);
        long txId = transfer(30);
        shardA.gate().fail(Step.PHASE_TWO); // phase 2 never reaches shard-a's first life

        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);
        await().atMost(PATIENCE).until(() -> pgB.balance("bob") == 80);
        shardA.close(); // the agent dies after its YES, before learning the decision
        assertThat(pgA.preparedGids()).as("the prepared branch outlives its agent").containsExactly(shardA.gid(txId));
        assertThat(pgA.balance("alice")).isEqualTo(100);

        // Its second life keeps the coordinator's phase-2 redelivery out, so recovery alone must resolve the GID:
        // it lists its GIDs in pg_prepared_xacts, asks the coordinator, and commits.
        ParticipantGate gate = new ParticipantGate();
        gate.fail(Step.PHASE_TWO);
        shardA = shardA.startAgain(gate, "verdict.participant.recovery-interval=200ms");
        await().atMost(PATIENCE).until(() -> pgA.preparedGids().isEmpty());
        assertThat(pgA.balance("alice")).isEqualTo(70);

        gate.release(); // the coordinator's retries get through now, and are acknowledged
        coordinator.awaitFinished(txId, TxState.COMMITTED);
        assertNothingPrepared();
    }

    @Test
    void anAgentStoppedBeforePrepareLostItsBranchVotesNoAndNothingIsAppliedAnywhere() {
        startShards();
        long txId = transfer(30);
        shardA.close(); // the open branch dies with its connection, and its row lock with it
        shardA = shardA.startAgain(new ParticipantGate());

        TransactionOutcome outcome = coordinator.commit(txId);

        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).contains("shard-a voted NO");
        coordinator.awaitFinished(txId, TxState.ABORTED); // shard-b had voted YES and rolled back
        assertNothingPrepared();
        assertThat(pgA.balance("alice")).isEqualTo(100);
        assertThat(pgB.balance("bob")).isEqualTo(50);
    }

    @Test
    void postgresRestartedUnderAPreparedBranchKeepsItAndTheCommitIsAppliedAfterwards() {
        startShards(Shard.RECOVERY_ONLY_AT_START); // phase 2 from the coordinator is the only way to resolve it
        long txId = transfer(30);
        shardA.gate().fail(Step.PHASE_TWO);
        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);
        await().atMost(PATIENCE).until(() -> pgB.balance("bob") == 80);
        assertThat(pgA.preparedGids()).containsExactly(shardA.gid(txId));

        pgA.stop();
        try {
            shardA.gate().release(); // the coordinator's retries reach the agent now, while its database is down
            await().atMost(PATIENCE).until(() -> shardA.gate().answered().stream()
                    .anyMatch(call -> call.txId() == txId && call.name().equals("commit")));
        } finally {
            pgA.startAgain();
        }

        coordinator.awaitFinished(txId, TxState.COMMITTED);
        // alice's debit existed only in the prepared transaction: seeing it proves the branch survived the restart
        assertThat(pgA.balance("alice")).isEqualTo(70);
        assertNothingPrepared();
        // what the agent answered while its database was down: 503, retry later; never an outcome
        assertThat(shardA.gate().answered("commit", txId, 503)).isTrue();
    }

    @Test
    void duplicateAndLateMessagesChangeNoOutcome() {
        startShards();
        long txId = transfer(30);
        // a PREPARE whose answer got lost (its leader died): shard-a is prepared before the coordinator's round,
        // whose PREPARE is then a duplicate, answered YES again from pg_prepared_xacts
        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);
        long decisionIndex = coordinator.awaitFinished(txId, TxState.COMMITTED).decisionIndex();

        // late copies of every message, after the decision was applied
        assertThat(coordinator.commit(txId).state()).isEqualTo(TxState.COMMITTED);
        var abortAfterCommit = catchThrowableOfType(HttpStatusCodeException.class, () -> coordinator.abort(txId));
        assertThat(abortAfterCommit.getResponseBodyAs(Map.class)).containsEntry("code", "TRANSACTION_ALREADY_COMMITTED");
        assertThat(shardA.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(shardA.participant().commit(txId, new PhaseTwoRequest(decisionIndex)).outcome()).isEqualTo(BranchOutcome.COMMITTED);
        assertThat(shardB.participant().abort(txId, new PhaseTwoRequest(0)).outcome()).isEqualTo(BranchOutcome.COMMITTED);
        assertThat(shardB.credit(txId, "bob", 1000).getStatusCode().value()).as("late work").isEqualTo(409);
        assertThat(pgA.balance("alice")).isEqualTo(70);
        assertThat(pgB.balance("bob")).isEqualTo(80);

        // and for an aborted transaction: a late PREPARE votes NO, late work is refused, a late commit is told ABORTED
        long aborted = transfer(10);
        assertThat(coordinator.abort(aborted).state()).isEqualTo(TxState.ABORTED);
        coordinator.awaitFinished(aborted, TxState.ABORTED);
        assertThat(shardA.participant().prepare(aborted).vote()).isEqualTo(Vote.NO);
        assertThat(shardB.credit(aborted, "bob", 10).getStatusCode().value()).isEqualTo(409);
        assertThat(coordinator.commit(aborted).state()).isEqualTo(TxState.ABORTED);
        assertThat(pgA.balance("alice")).isEqualTo(70);
        assertThat(pgB.balance("bob")).isEqualTo(80);
        assertNothingPrepared();
    }
}
