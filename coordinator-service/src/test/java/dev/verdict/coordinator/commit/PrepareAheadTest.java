package dev.verdict.coordinator.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.verdict.coordinator.log.InMemoryDecisionLog;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.participant.PrepareResponse;
import dev.verdict.protocol.participant.SignedVote;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A commit asked of the leader logs nothing before its decision; one asked of a follower reaches the leader as a
 * StartCommit, which the leader overlaps with PREPARE. Everything runs on hand-cranked queues: the log applies a
 * proposal only when the test drains it, so the test can look at the moments in between.
 */
class PrepareAheadTest {

    private static final String VOTE_KEY = "the-declaration-key-of-this-cluster-0123";
    private static final SignedVote VOTES = new SignedVote(VOTE_KEY);

    private final Deque<Runnable> logQueue = new ArrayDeque<>();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final RecordingGateway gateway = new RecordingGateway();
    private final InMemoryDecisionLog log = new InMemoryDecisionLog("n1", logQueue::add, scheduler::nowMillis);
    /** The leader's own service. */
    private TransactionCoordinator coordinator;
    /** A follower's service: its commits reach the leader's driver as a StartCommit on its way through the log. */
    private TransactionCoordinator viaFollower;
    private TwoPhaseCommitDriver driver;

    @BeforeEach
    void startLeader() {
        driver = new TwoPhaseCommitDriver(log, gateway, scheduler,
                new DriverSettings(100, 1_000, 50, 500, 64, 5, 600_000));
        DecisionWaiter waiter = new DecisionWaiter(log, scheduler);
        coordinator = new TransactionCoordinator(log, waiter, driver, scheduler,
                new CoordinatorSettings(10_000, 30_000, 1_000));
        viaFollower = new TransactionCoordinator(log, waiter, driver::prepareAhead, scheduler,
                new CoordinatorSettings(10_000, 30_000, 1_000));
        driver.start();
        settle();
    }

    @Test
    void prepareIsSentBeforeStartCommitIsAppliedAndNotSentTwice() {
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = viaFollower.commit(txId);
        scheduler.runReady(); // the driver runs, the log has not applied StartCommit yet

        assertThat(state(txId)).isEqualTo(TxState.ACTIVE);
        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b");

        settle(); // StartCommit applied: the round adopts the early calls
        assertThat(gateway.preparedParticipants(txId)).hasSize(2);

        gateway.answerAll(PrepareResponse.yes());
        settle();
        assertThat(commit).isCompleted();
        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void votesInBeforeStartCommitIsAppliedAreDecidedAtOnceInOneWrite() {
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = viaFollower.commit(txId);
        scheduler.runReady();
        gateway.answerAll(PrepareResponse.yes());
        scheduler.runReady(); // the votes are in; the StartCommit is still in the log's queue

        assertThat(logQueue).as("StartCommit and Decide both proposed").hasSize(2);
        Runnable startCommit = logQueue.poll();
        logQueue.poll().run(); // the Decide is applied first: it freezes the set itself
        assertThat(state(txId)).isEqualTo(TxState.COMMITTED);
        assertThat(view(txId).participants()).extracting(ParticipantView::vote)
                .containsOnly(Vote.YES);

        startCommit.run(); // a repeat now
        settle();
        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
        assertThat(gateway.preparedParticipants(txId)).hasSize(2);
        assertThat(gateway.delivered).containsExactlyInAnyOrder(txId + ":a:COMMIT", txId + ":b:COMMIT");
    }

    @Test
    void anEnlistLandingBetweenTheEarlyVotesAndTheirDecisionSendsTheRoundAgainForTheFrozenSet() {
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = viaFollower.commit(txId);
        scheduler.runReady();
        gateway.answerAll(PrepareResponse.yes());
        // Another node's enlist reaches the log first: the StartCommit after it freezes {a, b, c}.
        assertThat(log.appendNow(new TxCommand.Enlist(txId, "c", "http://c"))).isInstanceOf(TxResult.Applied.class);
        settle(); // the early COMMIT (votes of a and b) is refused, and the round runs again for a, b and c

        assertThat(state(txId)).isEqualTo(TxState.PREPARING);
        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b", "a", "b", "c");
        gateway.answerAll(PrepareResponse.yes());
        settle();
        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
        assertThat(view(txId).participants()).extracting(ParticipantView::participantId, ParticipantView::vote)
                .containsExactly(tuple("a", Vote.YES),
                        tuple("b", Vote.YES),
                        tuple("c", Vote.YES));
    }

    @Test
    void aNoVoteInTheEarlyRoundAbortsWithoutWaitingForStartCommit() {
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = viaFollower.commit(txId);
        scheduler.runReady();
        gateway.answerAll(PrepareResponse.no("lock timeout"));
        scheduler.runReady();
        Runnable startCommit = logQueue.poll();
        logQueue.poll().run();

        assertThat(state(txId)).isEqualTo(TxState.ABORTED);
        startCommit.run();
        settle();
        assertThat(commit.join().state()).isEqualTo(TxState.ABORTED);
        assertThat(gateway.delivered).containsExactlyInAnyOrder(txId + ":a:ABORT", txId + ":b:ABORT");
    }

    @Test
    void aCommitAskedOfAFollowerIsPreparedWhenItsStartCommitReachesTheLeader() {
        long txId = beginWith("a", "b");

        // The follower's StartCommit reaches the leader's state machine, which tells the driver before appending.
        driver.onProposalAtLeader(new TxCommand.StartCommit(txId));
        scheduler.runReady();

        assertThat(state(txId)).isEqualTo(TxState.ACTIVE);
        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b");

        assertThat(log.appendNow(new TxCommand.StartCommit(txId))).isInstanceOf(TxResult.Applied.class);
        settle(); // the round adopts the early calls instead of sending new ones
        assertThat(gateway.preparedParticipants(txId)).hasSize(2);
        gateway.answerAll(PrepareResponse.yes());
        settle();
        assertThat(state(txId)).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void otherProposalsReachingTheLeaderPrepareNothing() {
        long txId = beginWith("a", "b");

        driver.onProposalAtLeader(new TxCommand.Enlist(txId, "c", "http://c"));
        driver.onProposalAtLeader(new TxCommand.Decide(txId, Outcome.ABORT, Map.of(), "client"));
        scheduler.runReady();

        assertThat(gateway.preparedParticipants(txId)).isEmpty();
    }

    @Test
    void anEnlistLandingBeforeStartCommitRestartsTheRoundForTheFrozenSet() {
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = viaFollower.commit(txId);
        scheduler.runReady();
        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b");

        // Another node's enlist reaches the log before this StartCommit: the frozen set is {a, b, c}.
        assertThat(log.appendNow(new TxCommand.Enlist(txId, "c", "http://c"))).isInstanceOf(TxResult.Applied.class);
        settle();

        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b", "a", "b", "c");
        gateway.answerAll(PrepareResponse.yes());
        settle();
        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
        assertThat(view(txId).participants()).extracting(ParticipantView::vote).doesNotContainNull();
    }

    @Test
    void yesVotesOfACommitThatNeverFrozeAreAbortedAtTheDeadline() {
        long txId = beginWith("a", "b");
        viaFollower.commit(txId);
        scheduler.runReady();
        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b");
        gateway.answerAll(PrepareResponse.yes());

        logQueue.clear(); // the StartCommit is lost with the leader's log write
        scheduler.advance(10_100);
        settle();

        assertThat(state(txId)).isEqualTo(TxState.ABORTED);
        assertThat(gateway.delivered).contains(txId + ":a:ABORT", txId + ":b:ABORT");
    }

    @Test
    void aCommitAskedOfTheLeaderPreparesAtOnceAndLogsOnlyItsDecision() {
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = coordinator.commit(txId);
        scheduler.runReady();
        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b");
        assertThat(logQueue).as("nothing logged before the votes").isEmpty();
        assertThat(state(txId)).isEqualTo(TxState.ACTIVE);

        gateway.answerAll(PrepareResponse.yes());
        scheduler.runReady();
        assertThat(logQueue).as("the decision alone").hasSize(1);
        settle();

        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
        assertThat(view(txId).participants()).extracting(ParticipantView::vote).containsOnly(Vote.YES);
        assertThat(gateway.preparedParticipants(txId)).hasSize(2);
        assertThat(gateway.delivered).containsExactlyInAnyOrder(txId + ":a:COMMIT", txId + ":b:COMMIT");
    }

    @Test
    void aNoVoteAtTheLeaderAbortsInOneWrite() {
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = coordinator.commit(txId);
        scheduler.runReady();
        gateway.answerAll(PrepareResponse.no("lock timeout"));
        scheduler.runReady();
        assertThat(logQueue).hasSize(1);
        settle();

        assertThat(commit.join().state()).isEqualTo(TxState.ABORTED);
        assertThat(gateway.delivered).containsExactlyInAnyOrder(txId + ":a:ABORT", txId + ":b:ABORT");
    }

    @Test
    void anEnlistLandingBeforeTheLeadersDecisionFreezesTheSetThroughTheLogAndPreparesItAgain() {
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = coordinator.commit(txId);
        scheduler.runReady();
        gateway.answerAll(PrepareResponse.yes());
        // Another node's enlist reaches the log before the COMMIT, which names only a and b: it is refused, and
        // with no StartCommit on its way the leader logs one, which freezes {a, b, c} and starts their round.
        assertThat(log.appendNow(new TxCommand.Enlist(txId, "c", "http://c"))).isInstanceOf(TxResult.Applied.class);
        settle();

        assertThat(state(txId)).isEqualTo(TxState.PREPARING);
        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b", "a", "b", "c");
        gateway.answerAll(PrepareResponse.yes());
        settle();
        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
        assertThat(view(txId).participants()).extracting(ParticipantView::participantId, ParticipantView::vote)
                .containsExactly(tuple("a", Vote.YES), tuple("b", Vote.YES), tuple("c", Vote.YES));
    }

    @Test
    void aCommitAskedOfTheLeaderWithinThePrepareGraceOfItsDeadlineIsFrozenThroughTheLog() {
        long txId = beginWith("a", "b"); // a 10 s deadline; the grace is 1 s
        scheduler.advance(9_500);

        coordinator.commit(txId);
        settle();

        // PREPARING, so its round may still decide for the grace past the deadline, where ACTIVE would be aborted
        assertThat(state(txId)).isEqualTo(TxState.PREPARING);
        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aNodeThatNoLongerLeadsLogsTheStartCommit() {
        long txId = beginWith("a", "b");
        driver.onLeadershipChange(false, 2);
        scheduler.runReady();

        coordinator.commit(txId);
        settle();

        assertThat(state(txId)).isEqualTo(TxState.PREPARING);
        assertThat(gateway.preparedParticipants(txId)).as("only a leader prepares").isEmpty();
    }

    @Test
    void aCommitTheLeaderTookOverAsItSteppedDownIsLoggedForTheNextLeader() {
        long txId = beginWith("a", "b");
        driver.onLeadershipChange(false, 2); // queued on the driver's thread, ahead of the commit's take-over

        coordinator.commit(txId);
        settle();

        assertThat(state(txId)).as("its StartCommit is logged for whoever leads next").isEqualTo(TxState.PREPARING);
        assertThat(gateway.preparedParticipants(txId)).isEmpty();
    }

    @Test
    void aLeadersCommitWithNoDecisionInTimeIsFrozenThroughTheLogBeforeItAnswersDecisionPending() {
        TransactionCoordinator impatient = new TransactionCoordinator(log, new DecisionWaiter(log, scheduler), driver,
                scheduler, new CoordinatorSettings(10_000, 2_000, 1_000));
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = impatient.commit(txId);
        scheduler.runReady(); // PREPARE sent; the votes do not come
        scheduler.advance(2_000); // the wait ends: the StartCommit is proposed
        settle();
        scheduler.advance(1); // its wait, now that it is frozen, is none
        settle();

        // DECISION_PENDING tells the client that reading the status is enough: true only once the set is frozen
        assertThat(state(txId)).isEqualTo(TxState.PREPARING);
        assertThat(commit).isCompletedExceptionally();
        assertThatThrownBy(commit::join).cause().isInstanceOfSatisfying(CoordinatorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DECISION_PENDING));

        gateway.answerAll(PrepareResponse.yes());
        settle();
        assertThat(state(txId)).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aDecisionLostWithTheLeaderLeavesTheYesVotesToTheDeadline() {
        long txId = beginWith("a", "b");
        coordinator.commit(txId);
        scheduler.runReady();
        gateway.answerAll(PrepareResponse.yes());
        scheduler.runReady();

        logQueue.clear(); // the COMMIT is lost with the leader's log write
        scheduler.advance(10_100);
        settle();

        assertThat(state(txId)).isEqualTo(TxState.ABORTED);
        assertThat(gateway.delivered).contains(txId + ":a:ABORT", txId + ":b:ABORT");
    }

    @Test
    void votesCarriedWithACommitAtTheLeaderAreTheAnswersOfThoseParticipants() {
        long txId = beginWith("a", "b");
        TransactionCoordinator checkingVotes = coordinatorCheckingVotes();

        CompletableFuture<TransactionView> commit = checkingVotes.commit(txId,
                List.of(VOTES.sign(txId, Vote.YES, address("a")), VOTES.sign(txId, Vote.YES, address("b"))));
        scheduler.runReady();
        assertThat(gateway.preparedParticipants(txId)).as("no PREPARE at all").isEmpty();
        assertThat(logQueue).as("the decision alone").hasSize(1);
        settle();

        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
        assertThat(view(txId).participants()).extracting(ParticipantView::vote).containsOnly(Vote.YES);
        assertThat(gateway.delivered).containsExactlyInAnyOrder(txId + ":a:COMMIT", txId + ":b:COMMIT");
    }

    @Test
    void aCarriedVoteThatDoesNotCheckOutIsIgnoredAndThatParticipantIsAskedToPrepare() {
        long txId = beginWith("a", "b", "c", "d");
        long otherTx = beginWith("a");
        TransactionCoordinator checkingVotes = coordinatorCheckingVotes();

        CompletableFuture<TransactionView> commit = checkingVotes.commit(txId, List.of(
                VOTES.sign(txId, Vote.YES, address("a")),
                new SignedVote("another-key-of-at-least-32-characters!!").sign(txId, Vote.YES, address("b")),
                VOTES.sign(txId, Vote.YES, new ParticipantAddress("c", "http://elsewhere")),
                VOTES.sign(otherTx, Vote.YES, address("d")),
                VOTES.sign(txId, Vote.YES, address("d")).replace(".YES.", ".NO.")));
        scheduler.runReady();

        assertThat(gateway.preparedParticipants(txId)).as("all but a, whose vote is genuine")
                .containsExactlyInAnyOrder("b", "c", "d");
        gateway.answerAll(PrepareResponse.no("branch gone"));
        settle();
        assertThat(commit.join().state()).isEqualTo(TxState.ABORTED);
    }

    @Test
    void aCarriedNoAbortsWithoutAnyPrepare() {
        long txId = beginWith("a", "b");

        CompletableFuture<TransactionView> commit = coordinatorCheckingVotes().commit(txId,
                List.of(VOTES.sign(txId, Vote.NO, address("a")), VOTES.sign(txId, Vote.YES, address("b"))));
        settle();

        assertThat(gateway.preparedParticipants(txId)).isEmpty();
        assertThat(commit.join().state()).isEqualTo(TxState.ABORTED);
        assertThat(gateway.delivered).containsExactlyInAnyOrder(txId + ":a:ABORT", txId + ":b:ABORT");
    }

    @Test
    void votesCarriedToAFollowerAreNotUsedEveryParticipantIsAskedToPrepare() {
        long txId = beginWith("a", "b");
        TransactionCoordinator followerCheckingVotes = new TransactionCoordinator(log, new DecisionWaiter(log, scheduler),
                driver::prepareAhead, scheduler, new CoordinatorSettings(10_000, 30_000, 1_000),
                VoteCheck.withKey(VOTE_KEY));

        CompletableFuture<TransactionView> commit = followerCheckingVotes.commit(txId,
                List.of(VOTES.sign(txId, Vote.YES, address("a")), VOTES.sign(txId, Vote.YES, address("b"))));
        settle();
        assertThat(gateway.preparedParticipants(txId)).containsExactlyInAnyOrder("a", "b");
        gateway.answerAll(PrepareResponse.yes());
        settle();
        assertThat(commit.join().state()).isEqualTo(TxState.COMMITTED);
    }

    private TransactionCoordinator coordinatorCheckingVotes() {
        return new TransactionCoordinator(log, new DecisionWaiter(log, scheduler), driver, scheduler,
                new CoordinatorSettings(10_000, 30_000, 1_000), VoteCheck.withKey(VOTE_KEY));
    }

    private static ParticipantAddress address(String participantId) {
        return new ParticipantAddress(participantId, "http://" + participantId);
    }

    private long beginWith(String... participantIds) {
        long txId = ((TxResult.Applied) log.appendNow(new TxCommand.Begin(10_000, null))).view().txId();
        for (String id : participantIds) {
            log.appendNow(new TxCommand.Enlist(txId, id, "http://" + id));
        }
        return txId;
    }

    private void settle() {
        while (!logQueue.isEmpty() || scheduler.hasReady()) {
            while (!logQueue.isEmpty()) {
                logQueue.poll().run();
            }
            scheduler.runReady();
        }
    }

    private TransactionView view(long txId) {
        return log.replica().read(t -> t.query(new TxQuery.Get(txId))).getFirst();
    }

    private TxState state(long txId) {
        return view(txId).state();
    }

    /** Records prepare calls; answers them only when told to. Phase 2 is acknowledged at once. */
    private static final class RecordingGateway implements ParticipantGateway {
        private final List<String> preparedIds = new ArrayList<>();
        private final List<CompletableFuture<PrepareResponse>> pending = new ArrayList<>();
        final List<String> delivered = new ArrayList<>();

        @Override
        public CompletableFuture<PrepareResponse> prepare(ParticipantView participant, long txId) {
            preparedIds.add(txId + ":" + participant.participantId());
            CompletableFuture<PrepareResponse> answer = new CompletableFuture<>();
            pending.add(answer);
            return answer;
        }

        @Override
        public CompletableFuture<Void> deliver(ParticipantView participant, long txId, Outcome outcome,
                long decisionIndex) {
            delivered.add(txId + ":" + participant.participantId() + ":" + outcome);
            return CompletableFuture.completedFuture(null);
        }

        List<String> preparedParticipants(long txId) {
            return preparedIds.stream().filter(s -> s.startsWith(txId + ":"))
                    .map(s -> s.substring(s.indexOf(':') + 1)).toList();
        }

        void answerAll(PrepareResponse response) {
            List.copyOf(pending).forEach(answer -> answer.complete(response));
            pending.clear();
        }
    }
}
