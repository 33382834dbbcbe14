package dev.verdict.participant.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.participant.support.CoordinatorApiStub;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.CommitRequest;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A commit no coordinator node could serve (its leader just died) is asked again, because the StartCommit that
 * would freeze the transaction may have died with that leader: reading the status would only show it ACTIVE
 * until the deadline's ABORT. The coordinator here is a stand-in whose transaction stays ACTIVE until a commit
 * gets through.
 */
class CommitRetryTest {

    private static final long TX = 42;

    @Test
    void aCommitNoNodeCouldServeIsAskedAgainUntilOneDecidesIt() {
        UnavailableForAWhile coordinator = new UnavailableForAWhile(3);
        GlobalTransactions transactions = new GlobalTransactions(coordinator, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Clock.systemUTC());

        TransactionOutcome outcome = transactions.commit(TX);

        assertThat(outcome.state()).isEqualTo(TxState.COMMITTED);
        assertThat(coordinator.commits.get()).as("three unavailable, the fourth served").isEqualTo(4);
    }

    @Test
    void aCommitStillUnservedWhenThePollTimeoutEndsHasAnUnknownOutcome() {
        UnavailableForAWhile coordinator = new UnavailableForAWhile(Integer.MAX_VALUE);
        GlobalTransactions transactions = new GlobalTransactions(coordinator, Duration.ofSeconds(10),
                Duration.ofMillis(300), Clock.systemUTC());

        Throwable failure = catchThrowable(() -> transactions.commit(TX));

        assertThat(failure).isInstanceOf(OutcomeUnknownException.class)
                .hasCauseInstanceOf(CoordinatorUnavailableException.class);
        assertThat(((OutcomeUnknownException) failure).txId()).isEqualTo(TX);
        assertThat(coordinator.commits.get()).as("asked more than once before giving up").isGreaterThan(1);
    }

    /** Answers {@code unavailableCommits} commits as if no node could serve them; the status stays ACTIVE till then. */
    private static final class UnavailableForAWhile extends CoordinatorApiStub {

        private final int unavailableCommits;
        final AtomicInteger commits = new AtomicInteger();

        UnavailableForAWhile(int unavailableCommits) {
            this.unavailableCommits = unavailableCommits;
        }

        @Override
        public TransactionOutcome commit(long txId, CommitRequest request) {
            if (commits.incrementAndGet() <= unavailableCommits) {
                throw new CoordinatorUnavailableException("no coordinator node could serve commit of " + txId, null);
            }
            return new TransactionOutcome(txId, TxState.COMMITTED, null);
        }

        @Override
        public TransactionStatus status(long txId) {
            TxState state = commits.get() > unavailableCommits ? TxState.COMMITTED : TxState.ACTIVE;
            return new TransactionStatus(txId, state, Instant.now().plusSeconds(10), List.of(), null, null);
        }
    }
}
