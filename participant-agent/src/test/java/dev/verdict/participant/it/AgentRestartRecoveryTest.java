package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.verdict.participant.support.FakeCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent dies (its Spring context is closed) while PostgreSQL keeps running; a new agent with the same
 * participant id starts on the same database. Prepared branches are resolved by recovery, unprepared work is gone.
 */
class AgentRestartRecoveryTest {

    static final Duration PATIENCE = Duration.ofSeconds(15);

    static FakeCoordinator coordinator;
    static TestPostgres pg;
    Shard shard;

    @BeforeAll
    static void start() {
        coordinator = FakeCoordinator.start();
        pg = TestPostgres.start();
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(pg, coordinator);
    }

    @BeforeEach
    void accounts() {
        pg.createAccounts("alice", "100");
        coordinator.available(true);
    }

    @AfterEach
    void stopShard() {
        Closer.closeAll(shard);
    }

    /** Debits alice in a new transaction and prepares it (YES), then stops the agent. */
    private long preparedThenAgentStopped() {
        shard = Shard.start("shard-a", pg, coordinator.urls());
        long txId = coordinator.begin(Duration.ofSeconds(60));
        assertThat(shard.debit(txId, "alice", 10).getStatusCode().value()).isEqualTo(200);
        assertThat(shard.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        shard.close();
        assertThat(pg.preparedGids()).as("prepared branch outlives its agent").containsExactly(gid(txId));
        return txId;
    }

    private static String gid(long txId) {
        return "verdict:verdict:" + txId + ":shard-a";
    }

    @Test
    void restartedAgentCommitsWhatTheCoordinatorCommitted() {
        long txId = preparedThenAgentStopped();
        coordinator.decide(txId, TxState.COMMITTED);

        shard = Shard.start("shard-a", pg, coordinator.urls());

        await().atMost(PATIENCE).until(() -> pg.preparedGids().isEmpty());
        assertThat(pg.balance("alice")).isEqualTo(90);
    }

    /**
     * The app's own start-up updates a row the prepared branch still locks. Only recovery can release it, so
     * recovery must run while the app is starting (found by the bank's chaos run: a shard seeder waited forever).
     */
    @Test
    void recoveryRunsWhileTheAppIsStillStarting() throws Exception {
        long txId = preparedThenAgentStopped();
        coordinator.decide(txId, TxState.COMMITTED);

        ExecutorService starter = Executors.newSingleThreadExecutor();
        Future<Shard> restart = starter.submit(
                () -> Shard.start("shard-a", pg, coordinator.urls(), "test.startup-credit=alice"));
        try {
            shard = restart.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException stuck) {
            pg.jdbc().execute("COMMIT PREPARED '" + gid(txId) + "'"); // lets the start finish, so it can be closed
            shard = restart.get(60, TimeUnit.SECONDS);
            throw new AssertionError("the agent's start-up waited on a branch only its recovery could resolve", stuck);
        } finally {
            starter.shutdownNow();
        }

        assertThat(pg.preparedGids()).isEmpty();
        assertThat(pg.balance("alice")).isEqualTo(91); // the committed debit of 10, then the start-up credit
    }

    @Test
    void restartedAgentRollsBackWhatTheCoordinatorAborted() {
        long txId = preparedThenAgentStopped();
        coordinator.decide(txId, TxState.ABORTED);

        shard = Shard.start("shard-a", pg, coordinator.urls());

        await().atMost(PATIENCE).until(() -> pg.preparedGids().isEmpty());
        assertThat(pg.balance("alice")).isEqualTo(100);
    }

    @Test
    void aTransactionTheCoordinatorDoesNotKnowIsPresumedAborted() {
        long txId = preparedThenAgentStopped();
        coordinator.forget(txId);

        shard = Shard.start("shard-a", pg, coordinator.urls());

        await().atMost(PATIENCE).until(() -> pg.preparedGids().isEmpty());
        assertThat(pg.balance("alice")).isEqualTo(100);
    }

    @Test
    void undecidedOrUnreachableLeavesTheBranchInDoubtUntilTheDecisionIsKnown() {
        long txId = preparedThenAgentStopped();
        coordinator.decide(txId, TxState.PREPARING);

        shard = Shard.start("shard-a", pg, coordinator.urls());
        long calls = coordinator.calls();
        await().atMost(PATIENCE).until(() -> coordinator.calls() >= calls + 3); // several recovery rounds asked
        assertThat(pg.preparedGids()).containsExactly(gid(txId));

        coordinator.available(false);
        long unavailableCalls = coordinator.calls();
        await().atMost(PATIENCE).until(() -> coordinator.calls() >= unavailableCalls + 3);
        assertThat(pg.preparedGids()).as("an unreachable coordinator is never read as a decision").containsExactly(gid(txId));

        coordinator.decide(txId, TxState.COMMITTED);
        coordinator.available(true);
        await().atMost(PATIENCE).until(() -> pg.preparedGids().isEmpty());
        assertThat(pg.balance("alice")).isEqualTo(90);
    }

    @Test
    void recoveryLeavesOtherParticipantsPreparedTransactionsAlone() throws Exception {
        long txId = preparedThenAgentStopped();
        coordinator.decide(txId, TxState.PREPARING);
        String foreign = "verdict:verdict:424242:shard-z"; // same cluster and database, another participant
        try (Connection connection = pg.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("INSERT INTO accounts (id, balance) VALUES ('zed', 1)");
            statement.execute("PREPARE TRANSACTION '" + foreign + "'");
            connection.setAutoCommit(true);
        }

        shard = Shard.start("shard-a", pg, coordinator.urls());
        long calls = coordinator.calls();
        await().atMost(PATIENCE).until(() -> coordinator.calls() >= calls + 3); // several recovery rounds ran
        coordinator.decide(txId, TxState.ABORTED);
        await().atMost(PATIENCE).until(() -> !pg.preparedGids().contains(gid(txId)));

        assertThat(pg.preparedGids()).containsExactly(foreign); // unknown to the coordinator, yet not ours to roll back
        assertThat(coordinator.statusQueries(424242)).as("not even asked about").isZero();
        pg.jdbc().execute("ROLLBACK PREPARED '" + foreign + "'");
    }

    @Test
    void agentStoppedBeforePrepareLosesTheBranchAndVotesNoAfterRestart() {
        shard = Shard.start("shard-a", pg, coordinator.urls());
        long txId = coordinator.begin(Duration.ofSeconds(60));
        assertThat(shard.debit(txId, "alice", 10).getStatusCode().value()).isEqualTo(200);
        shard.close();

        shard = Shard.start("shard-a", pg, coordinator.urls());
        assertThat(shard.participant().prepare(txId).vote()).isEqualTo(Vote.NO);
        assertThat(pg.preparedGids()).isEmpty();
        assertThat(pg.balance("alice")).isEqualTo(100);
        // the dead branch's row lock went with its connection
        assertThat(pg.jdbc().update("UPDATE accounts SET balance = balance + 1 WHERE id = 'alice'")).isEqualTo(1);
    }
}
