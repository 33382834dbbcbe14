package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.verdict.participant.support.FakeCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Abandoned branches do not hold locks past their deadline, and lock waits are bounded by lock_timeout. */
class DeadlineAndLockTimeoutTest {

    static FakeCoordinator coordinator;
    static TestPostgres pg;
    static Shard shard;

    @BeforeAll
    static void start() {
        coordinator = FakeCoordinator.start();
        pg = TestPostgres.start();
        shard = Shard.start("shard-a", pg, coordinator.urls());
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(shard, pg, coordinator);
    }

    @BeforeEach
    void accounts() {
        pg.createAccounts("alice", "100");
    }

    @Test
    void theReaperRollsBackABranchPastItsDeadlineAndReleasesItsRowLock() {
        long abandoned = coordinator.begin(Duration.ofMillis(1500)); // the client dies after its first call
        assertThat(shard.debit(abandoned, "alice", 40).getStatusCode().value()).isEqualTo(200);
        assertThat(shard.participant().branches()).hasSize(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> shard.participant().branches().isEmpty());

        // the row lock is released: a second transaction on the same row goes through
        long second = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shard.debit(second, "alice", 25).getStatusCode().value()).isEqualTo(200);
        assertThat(shard.participant().prepare(second).vote()).isEqualTo(Vote.YES);
        coordinator.decide(second, TxState.COMMITTED);
        shard.participant().commit(second, new PhaseTwoRequest(1));
        assertThat(pg.balance("alice")).isEqualTo(75);
        // the reaped branch's work is gone for good
        assertThat(shard.participant().prepare(abandoned).vote()).isEqualTo(Vote.NO);
    }

    @Test
    void lockTimeoutBoundsALockWaitAndFailsTheWaitingBranch() {
        long holder = coordinator.begin(Duration.ofSeconds(8));
        assertThat(shard.debit(holder, "alice", 10).getStatusCode().value()).isEqualTo(200);

        long waiter = coordinator.begin(Duration.ofSeconds(30));
        long started = System.nanoTime();
        var response = shard.debit(waiter, "alice", 10); // waits for holder's row lock
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.getStatusCode().is5xxServerError()).as("lock wait ended in an error").isTrue();
        assertThat(waited).as("bounded by lock-timeout=1s, not by the holder's 8s deadline").isLessThan(Duration.ofSeconds(5));
        assertThat(shard.participant().prepare(waiter).vote()).isEqualTo(Vote.NO);

        assertThat(shard.participant().prepare(holder).vote()).isEqualTo(Vote.YES);
        coordinator.decide(holder, TxState.COMMITTED);
        shard.participant().commit(holder, new PhaseTwoRequest(2));
        assertThat(pg.balance("alice")).isEqualTo(90);
    }
}
