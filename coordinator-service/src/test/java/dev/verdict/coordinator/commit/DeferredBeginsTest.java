package dev.verdict.coordinator.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.coordinator.log.InMemoryDecisionLog;
import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.txn.DeferredBegin;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.participant.SignedVote;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Deferred begins: answered without a log write, their Begin logged with the commit or abort. A commit carrying a
 * checked vote from every participant is one entry; a status read of a deferred transaction not logged yet logs
 * its ABORT first, and the commit that comes after it is refused (presumed abort made durable).
 */
class DeferredBeginsTest {

    private static final String KEY = "a-declaration-key-of-at-least-32-chars";
    private static final SignedVote SIGNED = new SignedVote(KEY);
    private static final ParticipantAddress A = new ParticipantAddress("a", "http://a");
    private static final ParticipantAddress B = new ParticipantAddress("b", "http://b");

    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryDecisionLog log = new InMemoryDecisionLog("n1", Runnable::run, scheduler::nowMillis);
    private final CountingLog counting = new CountingLog(log, log.replica());
    private final TransactionCoordinator coordinator = new TransactionCoordinator(counting,
            new DecisionWaiter(counting, scheduler), PrepareAhead.NONE, scheduler,
            new CoordinatorSettings(10_000, 30_000, 1_000), VoteCheck.withKey(KEY));

    @Test
    void onlyABeginWithParticipantsNoIdempotencyKeyAndAShortEnoughTimeoutIsDeferred() {
        assertThat(coordinator.canDefer(60_000L, null, List.of(A, B))).isTrue();
        assertThat(coordinator.canDefer(null, null, List.of(A))).as("the default timeout, 10 s").isTrue();
        assertThat(coordinator.canDefer(60_001L, null, List.of(A, B))).as("past a block's life").isFalse();
        assertThat(coordinator.canDefer(10_000L, "key", List.of(A, B))).as("a retry must find it").isFalse();
        assertThat(coordinator.canDefer(10_000L, null, List.of())).as("nothing to bring back").isFalse();
    }

    @Test
    void aDeferredBeginWritesNothingButTheBlockItsIdComesFrom() {
        TransactionView first = coordinator.beginDeferred(10_000L, List.of(A, B)).join();
        TransactionView second = coordinator.beginDeferred(10_000L, List.of(A, B)).join();

        assertThat(counting.proposed).containsExactly(
                new TxCommand.ReserveIds(DeferredIds.BLOCK_SIZE, DeferredIds.LIVE_FOR_MILLIS));
        assertThat(second.txId()).isEqualTo(first.txId() + 1);
        assertThat(first.state()).isEqualTo(TxState.ACTIVE);
        assertThat(first.deadlineMillis()).isEqualTo(scheduler.nowMillis() + 10_000);
        assertThat(first.participants()).extracting(ParticipantView::participantId).containsExactly("a", "b");
        assertThat((int) log.replica().read(t -> t.size())).as("no transaction in the table yet").isZero();
    }

    @Test
    void aCommitWithEveryVoteCarriedIsOneEntryThatLogsTheBeginAndTheCommit() {
        TransactionView begun = coordinator.beginDeferred(10_000L, List.of(A, B)).join();
        int before = counting.proposals.get();

        TransactionView committed = coordinator.commit(begun.txId(), votes(begun.txId(), Vote.YES, Vote.YES),
                declared(begun)).join();

        assertThat(committed.state()).isEqualTo(TxState.COMMITTED);
        assertThat(counting.proposals.get() - before).isEqualTo(1);
        assertThat(committed.participants()).extracting(ParticipantView::participantId, ParticipantView::vote)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", Vote.YES),
                        org.assertj.core.groups.Tuple.tuple("b", Vote.YES));
    }

    @Test
    void askedAgainTheCommitAnswersTheSameDecision() {
        TransactionView begun = coordinator.beginDeferred(10_000L, List.of(A, B)).join();
        List<String> votes = votes(begun.txId(), Vote.YES, Vote.YES);
        coordinator.commit(begun.txId(), votes, declared(begun)).join();

        assertThat(coordinator.commit(begun.txId(), votes, declared(begun)).join().state())
                .isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aCarriedNoIsAnAbortThatNamesTheParticipants() {
        TransactionView begun = coordinator.beginDeferred(10_000L, List.of(A, B)).join();

        TransactionView aborted = coordinator.commit(begun.txId(), votes(begun.txId(), Vote.YES, Vote.NO),
                declared(begun)).join();

        assertThat(aborted.state()).isEqualTo(TxState.ABORTED);
        assertThat(aborted.participants()).extracting(ParticipantView::participantId).containsExactly("a", "b");
    }

    @Test
    void withoutEveryVoteTheCommitFreezesTheSetThroughTheLogWithTheBegin() {
        TransactionView begun = coordinator.beginDeferred(10_000L, List.of(A, B)).join();
        int before = counting.proposed.size();

        coordinator.commit(begun.txId(), votes(begun.txId(), Vote.YES), declared(begun));

        TxCommand frozen = counting.proposed.get(before);
        assertThat(frozen).isEqualTo(new TxCommand.StartCommit(begun.txId(), declared(begun)));
        assertThat(coordinator.status(begun.txId()).join()).get().extracting(TransactionView::state)
                .isEqualTo(TxState.PREPARING);
    }

    @Test
    void aStatusReadBeforeTheCommitLogsTheAbortAndTheCommitThatFollowsIsRefused() {
        TransactionView begun = coordinator.beginDeferred(10_000L, List.of(A, B)).join();

        Optional<TransactionView> status = coordinator.status(begun.txId()).join();
        assertThat(status).get().extracting(TransactionView::state).isEqualTo(TxState.ABORTED);

        TransactionView outcome = coordinator.commit(begun.txId(), votes(begun.txId(), Vote.YES, Vote.YES),
                declared(begun)).join();
        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).startsWith("presumed abort");
    }

    @Test
    void anAbortWithTheDeclarationNamesTheParticipantsToTell() {
        TransactionView begun = coordinator.beginDeferred(10_000L, List.of(A, B)).join();

        TransactionView aborted = coordinator.abort(begun.txId(), declared(begun)).join();

        assertThat(aborted.state()).isEqualTo(TxState.ABORTED);
        assertThat(aborted.participants()).extracting(ParticipantView::participantId).containsExactly("a", "b");
    }

    @Test
    void aCommitPastTheDeadlineIsAnAbort() {
        TransactionView begun = coordinator.beginDeferred(1_000L, List.of(A, B)).join();
        scheduler.advance(1_001);

        TransactionView outcome = coordinator.commit(begun.txId(), votes(begun.txId(), Vote.YES, Vote.YES),
                declared(begun)).join();

        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).contains("deadline");
    }

    @Test
    void anIdNeverReservedStaysUnknown() {
        assertThat(coordinator.status(42).join()).isEmpty();
        assertThatThrownBy(() -> coordinator.commit(42, votes(42, Vote.YES, Vote.YES),
                new DeferredBegin(scheduler.nowMillis() + 10_000, List.of(A, B))).join())
                .cause().isInstanceOfSatisfying(CoordinatorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSACTION_NOT_FOUND));
    }

    @Test
    void aFollowerThatHasNotAppliedTheCommitStillAnswersItsRepeatFromTheLog() {
        TransactionView begun = coordinator.beginDeferred(10_000L, List.of(A, B)).join();
        List<String> votes = votes(begun.txId(), Vote.YES, Vote.YES);
        coordinator.commit(begun.txId(), votes, declared(begun)).join();
        TransactionCoordinator onFollower = new TransactionCoordinator(new CountingLog(log, new LocalReplica()),
                new DecisionWaiter(log, scheduler), PrepareAhead.NONE, scheduler,
                new CoordinatorSettings(10_000, 30_000, 1_000), VoteCheck.withKey(KEY));

        assertThat(onFollower.commit(begun.txId(), votes, declared(begun)).join().state())
                .isEqualTo(TxState.COMMITTED);
    }

    // ---- id leases: the client mints from a block reserved for it -------------------------------------------

    @Test
    void aLeaseIsABlockOfItsOwnReservedThroughTheLog() {
        TransactionView own = coordinator.beginDeferred(10_000L, List.of(A, B)).join();

        TxResult.Reserved lease = coordinator.reserveLease().join();

        assertThat(counting.proposed).containsExactly(
                new TxCommand.ReserveIds(DeferredIds.BLOCK_SIZE, DeferredIds.LIVE_FOR_MILLIS),
                new TxCommand.ReserveIds(DeferredIds.BLOCK_SIZE, DeferredIds.LIVE_FOR_MILLIS));
        assertThat(lease.lastTxId() - lease.firstTxId() + 1).isEqualTo(DeferredIds.BLOCK_SIZE);
        assertThat(own.txId() >= lease.firstTxId() && own.txId() <= lease.lastTxId()).as("the node's own block is another").isFalse();
        assertThat(lease.liveUntilMillis()).isEqualTo(scheduler.nowMillis() + DeferredIds.LIVE_FOR_MILLIS);
        assertThat(coordinator.beginDeferred(10_000L, List.of(A)).join().txId()).as("the node keeps its own block")
                .isEqualTo(own.txId() + 1);
    }

    @Test
    void anIdTheClientMintedFromItsLeaseCommitsInOneEntry() {
        TxResult.Reserved lease = coordinator.reserveLease().join();
        long txId = lease.lastTxId();
        DeferredBegin begin = new DeferredBegin(scheduler.nowMillis() + 10_000, List.of(A, B));
        int before = counting.proposals.get();

        TransactionView committed = coordinator.commit(txId, votes(txId, Vote.YES, Vote.YES), begin).join();

        assertThat(committed.state()).isEqualTo(TxState.COMMITTED);
        assertThat(counting.proposals.get() - before).isEqualTo(1);
        assertThat(coordinator.commit(txId, votes(txId, Vote.YES, Vote.YES), begin).join().state())
                .as("asked again").isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aLeasedIdAskedAboutBeforeItsCommitIsAbortedForGood() {
        TxResult.Reserved lease = coordinator.reserveLease().join();
        long txId = lease.firstTxId() + 7;

        assertThat(coordinator.status(txId).join()).get().extracting(TransactionView::state)
                .isEqualTo(TxState.ABORTED);
        TransactionView outcome = coordinator.commit(txId, votes(txId, Vote.YES, Vote.YES),
                new DeferredBegin(scheduler.nowMillis() + 10_000, List.of(A, B))).join();
        assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.reason()).startsWith("presumed abort");
    }

    @Test
    void onceItsLeaseDiedAnIdCanNoLongerBeLogged() {
        TxResult.Reserved lease = coordinator.reserveLease().join();
        long txId = lease.firstTxId();
        scheduler.advance(DeferredIds.LIVE_FOR_MILLIS + 1);

        assertThatThrownBy(() -> coordinator.commit(txId, votes(txId, Vote.YES, Vote.YES),
                new DeferredBegin(scheduler.nowMillis() + 10_000, List.of(A, B))).join())
                .cause().isInstanceOfSatisfying(CoordinatorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSACTION_NOT_FOUND));
        assertThat(coordinator.status(txId).join()).as("and stays unknown").isEmpty();
    }

    private static DeferredBegin declared(TransactionView begun) {
        return new DeferredBegin(begun.deadlineMillis(), begun.participants().stream()
                .map(p -> new ParticipantAddress(p.participantId(), p.endpoint())).toList());
    }

    /** Signed votes of a, then b, as their agents would sign them on a marked last call. */
    private static List<String> votes(long txId, Vote... votes) {
        List<ParticipantAddress> participants = List.of(A, B);
        return java.util.stream.IntStream.range(0, votes.length)
                .mapToObj(i -> SIGNED.sign(txId, votes[i], participants.get(i)))
                .toList();
    }
}
