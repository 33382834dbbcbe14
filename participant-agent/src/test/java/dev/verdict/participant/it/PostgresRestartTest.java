package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.verdict.participant.support.FakeCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import dev.verdict.protocol.participant.BranchOutcome;
import java.time.Duration;
import java.util.Map;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.HttpStatusCodeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PostgreSQL restarts while it holds prepared branches: they survive, and recovery resolves them afterwards. */
class PostgresRestartTest {

    static FakeCoordinator coordinator;
    static TestPostgres pg;
    static Shard shard;

    @BeforeAll
    static void start() {
        coordinator = FakeCoordinator.start();
        pg = TestPostgres.start();
        pg.createAccounts("alice", "100", "bob", "100");
        shard = Shard.start("shard-a", pg, coordinator.urls());
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(shard, pg, coordinator);
    }

    @Test
    void preparedBranchesSurviveADatabaseRestartAndAreResolvedByRecovery() {
        long toCommit = coordinator.begin(Duration.ofSeconds(60));
        long toAbort = coordinator.begin(Duration.ofSeconds(60));
        assertThat(shard.debit(toCommit, "alice", 10).getStatusCode().value()).isEqualTo(200);
        assertThat(shard.debit(toAbort, "bob", 10).getStatusCode().value()).isEqualTo(200);
        assertThat(shard.participant().prepare(toCommit).vote()).isEqualTo(Vote.YES);
        assertThat(shard.participant().prepare(toAbort).vote()).isEqualTo(Vote.YES);
        // undecided (ACTIVE at the coordinator): recovery leaves them in doubt while the database restarts

        pg.restart();

        assertThat(pg.preparedGids()).containsExactlyInAnyOrder(
                "verdict:verdict:" + toCommit + ":shard-a", "verdict:verdict:" + toAbort + ":shard-a");
        coordinator.decide(toCommit, TxState.COMMITTED);
        coordinator.decide(toAbort, TxState.ABORTED);

        await().atMost(Duration.ofSeconds(20)).until(() -> pg.preparedGids().isEmpty());
        assertThat(pg.balance("alice")).isEqualTo(90);
        assertThat(pg.balance("bob")).isEqualTo(100);

        // and the agent works on after the restart: its pool replaced the broken connections
        long next = coordinator.begin(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> shard.debit(next, "bob", 5).getStatusCode().value() == 200);
        assertThat(shard.participant().prepare(next).vote()).isEqualTo(Vote.YES);
        coordinator.decide(next, TxState.COMMITTED);
        shard.participant().commit(next, new PhaseTwoRequest(1));
        assertThat(pg.balance("bob")).isEqualTo(95);
    }

    @Test
    void commitWhileTheDatabaseIsDownIsInDoubtNotAbortedAndSucceedsLater() {
        long txId = coordinator.begin(Duration.ofSeconds(60));
        assertThat(shard.debit(txId, "alice", 1).getStatusCode().value()).isEqualTo(200);
        assertThat(shard.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        long before = pg.balance("alice");

        pg.stop();
        try {
            coordinator.decide(txId, TxState.COMMITTED);
            var e = catchThrowableOfType(HttpStatusCodeException.class,
                    () -> shard.participant().commit(txId, new PhaseTwoRequest(3)));
            assertThat(e.getStatusCode().value()).isEqualTo(503);
            assertThat(e.getResponseBodyAs(Map.class)).containsEntry("code", "PARTICIPANT_UNAVAILABLE");
        } finally {
            pg.startAgain();
        }

        // the coordinator retries (503 means "retry"): committed now, by this call or by recovery just before it
        await().atMost(Duration.ofSeconds(10)).ignoreException(HttpServerErrorException.ServiceUnavailable.class).until(() -> shard.participant().commit(txId, new PhaseTwoRequest(3))
                .outcome() == BranchOutcome.COMMITTED);
        assertThat(pg.balance("alice")).isEqualTo(before - 1);
        assertThat(pg.preparedGids()).isEmpty();
    }
}
