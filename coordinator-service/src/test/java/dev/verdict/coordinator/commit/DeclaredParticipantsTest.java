package dev.verdict.coordinator.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.InMemoryDecisionLog;
import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Participants declared at begin are enlisted by the Begin entry, and their agents' enlists are answered without
 * another log write; every enlist the replica cannot vouch for still goes through the log and its state machine.
 */
class DeclaredParticipantsTest {

    private static final List<ParticipantAddress> A_AND_B =
            List.of(new ParticipantAddress("a", "http://a"), new ParticipantAddress("b", "http://b"));

    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryDecisionLog log = new InMemoryDecisionLog("n1", Runnable::run, scheduler::nowMillis);
    private final CountingLog counting = new CountingLog(log, log.replica());
    private final TransactionCoordinator coordinator = coordinatorOver(counting);

    @Test
    void theBeginEntryEnlistsTheDeclaredParticipants() {
        TransactionView begun = coordinator.begin(10_000L, null, A_AND_B).join();

        assertThat(begun.participants()).extracting(ParticipantView::participantId).containsExactly("a", "b");
        assertThat(counting.proposals).hasValue(1);
    }

    @Test
    void aDeclaredParticipantsEnlistIsAnsweredWithoutALogWrite() {
        long txId = coordinator.begin(10_000L, null, A_AND_B).join().txId();

        TransactionView enlisted = coordinator.enlist(txId, "a", "http://a").join();

        assertThat(enlisted.state()).isEqualTo(TxState.ACTIVE);
        assertThat(counting.proposals).as("only the Begin was written").hasValue(1);
    }

    @Test
    void anUndeclaredParticipantOrANewEndpointIsWrittenToTheLog() {
        long txId = coordinator.begin(10_000L, null, A_AND_B).join().txId();

        coordinator.enlist(txId, "c", "http://c").join();
        TransactionView moved = coordinator.enlist(txId, "a", "http://a-moved").join();

        assertThat(counting.proposals).hasValue(3);
        assertThat(moved.participants()).extracting(ParticipantView::participantId, ParticipantView::endpoint)
                .contains(org.assertj.core.groups.Tuple.tuple("a", "http://a-moved"));
    }

    @Test
    void onceCommitHasStartedEvenADeclaredParticipantIsRefused() {
        long txId = coordinator.begin(10_000L, null, A_AND_B).join().txId();
        log.appendNow(new TxCommand.StartCommit(txId));

        assertThatThrownBy(() -> coordinator.enlist(txId, "a", "http://a").join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(CoordinatorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSACTION_NOT_ACTIVE));
    }

    @Test
    void pastTheDeadlineEvenADeclaredParticipantIsRefused() {
        long txId = coordinator.begin(10_000L, null, A_AND_B).join().txId();
        scheduler.advance(10_001);

        assertThatThrownBy(() -> coordinator.enlist(txId, "b", "http://b").join())
                .cause().isInstanceOfSatisfying(CoordinatorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSACTION_NOT_ACTIVE));
    }

    @Test
    void aReplicaThatHasNotAppliedTheBeginAsksTheLeaderBeforeWriting() {
        long txId = coordinator.begin(10_000L, null, A_AND_B).join().txId();
        CountingLog lagging = new CountingLog(log, new LocalReplica()); // a follower that applied nothing yet
        TransactionCoordinator onFollower = coordinatorOver(lagging);

        TransactionView enlisted = onFollower.enlist(txId, "b", "http://b").join();

        assertThat(enlisted.state()).isEqualTo(TxState.ACTIVE);
        assertThat(lagging.queries).hasValue(1);
        assertThat(lagging.proposals).hasValue(0);
    }

    @Test
    void aReplicaThatHasNotAppliedTheBeginStillWritesAnUndeclaredEnlist() {
        long txId = coordinator.begin(10_000L, null, A_AND_B).join().txId();
        CountingLog lagging = new CountingLog(log, new LocalReplica());
        TransactionCoordinator onFollower = coordinatorOver(lagging);

        TransactionView enlisted = onFollower.enlist(txId, "c", "http://c").join();

        assertThat(enlisted.participants()).extracting(ParticipantView::participantId).containsExactly("a", "b", "c");
        assertThat(lagging.proposals).hasValue(1);
    }

    private TransactionCoordinator coordinatorOver(DecisionLog decisionLog) {
        DecisionWaiter waiter = new DecisionWaiter(decisionLog, scheduler);
        return new TransactionCoordinator(decisionLog, waiter, PrepareAhead.NONE, scheduler,
                new CoordinatorSettings(10_000, 30_000, 1_000));
    }
}
