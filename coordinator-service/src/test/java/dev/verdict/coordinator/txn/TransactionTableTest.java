package dev.verdict.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.coordinator.txn.TxCommand.Acknowledge;
import dev.verdict.coordinator.txn.TxCommand.Begin;
import dev.verdict.coordinator.txn.TxCommand.Decide;
import dev.verdict.coordinator.txn.TxCommand.Enlist;
import dev.verdict.coordinator.txn.TxCommand.Forget;
import dev.verdict.coordinator.txn.TxCommand.StartCommit;
import dev.verdict.coordinator.txn.TxResult.Applied;
import dev.verdict.coordinator.txn.TxResult.BatchApplied;
import dev.verdict.coordinator.txn.TxResult.Refused;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Example-based tests of the transaction table, one rule or refusal per test (DESIGN.md section 1). Every command
 * goes in at the next log index; {@link #now} is the leader timestamp written into the entry.
 */
class TransactionTableTest {

    private static final long T0 = 100_000;
    private static final long TIMEOUT = 5_000;

    private final TransactionTable table = new TransactionTable();
    private long index;
    private long now = T0;

    private TxResult apply(TxCommand command) {
        return table.apply(command, ++index, now);
    }

    private TransactionView applied(TxCommand command) {
        TxResult result = apply(command);
        assertThat(result).as("result of %s", command).isInstanceOf(Applied.class);
        return ((Applied) result).view();
    }

    private Refused refused(TxCommand command, Refusal expected) {
        TransactionView before = view(txIdOf(command));
        byte[] snapshotBefore = table.toSnapshot();
        TxResult result = apply(command);
        assertThat(result).as("result of %s", command).isInstanceOf(Refused.class);
        Refused refused = (Refused) result;
        assertThat(refused.refusal()).isEqualTo(expected);
        assertThat(refused.current()).as("a refusal reports the transaction as it is").isEqualTo(before);
        // A refused command changes nothing (only the applied index moves, as for every entry).
        assertThat(table.query(new TxQuery.Recent(100)))
                .isEqualTo(TransactionTable.fromSnapshot(snapshotBefore).query(new TxQuery.Recent(100)));
        return refused;
    }

    private static long txIdOf(TxCommand command) {
        return switch (command) {
            case Enlist c -> c.txId();
            case StartCommit c -> c.txId();
            case Decide c -> c.txId();
            default -> -1;
        };
    }

    private TransactionView view(long txId) {
        List<TransactionView> found = table.query(new TxQuery.Get(txId));
        return found.isEmpty() ? null : found.getFirst();
    }

    private long begin() {
        return applied(new Begin(TIMEOUT, null)).txId();
    }

    /** Begins a transaction with participants a and b enlisted. */
    private long beginWithAB() {
        long txId = begin();
        applied(new Enlist(txId, "a", "http://a"));
        applied(new Enlist(txId, "b", "http://b"));
        return txId;
    }

    private long preparingWithAB() {
        long txId = beginWithAB();
        applied(new StartCommit(txId));
        return txId;
    }

    private static Decide commit(long txId, Map<String, Vote> votes) {
        return new Decide(txId, Outcome.COMMIT, votes, null);
    }

    private static Decide abort(long txId, String reason) {
        return new Decide(txId, Outcome.ABORT, Map.of(), reason);
    }

    private static Map<String, Vote> yesFromAB() {
        return Map.of("a", Vote.YES, "b", Vote.YES);
    }

    private static List<String> participantIds(TransactionView view) {
        return view.participants().stream().map(ParticipantView::participantId).toList();
    }

    // ---- the happy path --------------------------------------------------------------------------------------

    @Test
    void participantsDeclaredAtBeginAreEnlistedAndMustAllVoteForCommit() {
        TransactionView begun = applied(new Begin(TIMEOUT, null,
                List.of(new ParticipantAddress("a", "http://a"), new ParticipantAddress("b", "http://b"))));
        assertThat(begun.participants()).containsExactly(
                new ParticipantView("a", "http://a", null, false), new ParticipantView("b", "http://b", null, false));

        // The agent's own enlist changes nothing, but may move the endpoint, as for any enlisted participant.
        assertThat(participantIds(applied(new Enlist(begun.txId(), "a", "http://a")))).containsExactly("a", "b");
        applied(new StartCommit(begun.txId()));

        refused(commit(begun.txId(), Map.of("a", Vote.YES)), Refusal.PARTICIPANTS_MISMATCH);
        assertThat(applied(commit(begun.txId(), yesFromAB())).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aParticipantDeclaredTwiceIsEnlistedOnceAtTheLastEndpoint() {
        TransactionView begun = applied(new Begin(TIMEOUT, null,
                List.of(new ParticipantAddress("a", "http://old"), new ParticipantAddress("a", "http://new"))));

        assertThat(begun.participants()).containsExactly(new ParticipantView("a", "http://new", null, false));
    }


    @Test
    void beginEnlistStartCommitDecideCommitAcknowledgeForget() {
        TransactionView begun = applied(new Begin(TIMEOUT, null));
        assertThat(begun.txId()).isEqualTo(1);
        assertThat(begun.state()).isEqualTo(TxState.ACTIVE);
        assertThat(begun.beganAtMillis()).isEqualTo(T0);
        assertThat(begun.deadlineMillis()).isEqualTo(T0 + TIMEOUT);
        assertThat(begun.participants()).isEmpty();

        now += 10;
        applied(new Enlist(1, "a", "http://a"));
        TransactionView enlisted = applied(new Enlist(1, "b", "http://b"));
        assertThat(participantIds(enlisted)).containsExactly("a", "b");

        assertThat(applied(new StartCommit(1)).state()).isEqualTo(TxState.PREPARING);

        now += 10;
        TransactionView committed = applied(commit(1, yesFromAB()));
        assertThat(committed.state()).isEqualTo(TxState.COMMITTED);
        assertThat(committed.decisionIndex()).as("the fencing token is the decision's log index").isEqualTo(index);
        assertThat(committed.decidedAtMillis()).isEqualTo(now);
        assertThat(committed.participants()).containsExactly(
                new ParticipantView("a", "http://a", Vote.YES, false),
                new ParticipantView("b", "http://b", Vote.YES, false));
        assertThat(committed.isFinished()).isFalse();

        assertThat(apply(new Acknowledge(List.of(new BranchRef(1, "a"), new BranchRef(1, "b")))))
                .isEqualTo(new BatchApplied(List.of(1L)));
        assertThat(view(1).isFinished()).isTrue();

        assertThat(apply(new Forget(List.of(1L)))).isEqualTo(new BatchApplied(List.of(1L)));
        assertThat(view(1)).isNull();
        assertThat(table.size()).isZero();
        assertThat(table.lastTxId()).isEqualTo(1);
    }

    @Test
    void abortOfAnActiveTransactionNeedsNoVotes() {
        long txId = beginWithAB();
        TransactionView aborted = applied(abort(txId, "client abort"));
        assertThat(aborted.state()).isEqualTo(TxState.ABORTED);
        assertThat(aborted.reason()).isEqualTo("client abort");
        assertThat(aborted.decisionIndex()).isEqualTo(index);
        assertThat(aborted.participants()).extracting(ParticipantView::vote).containsOnlyNulls();
        assertThat(aborted.unacknowledged()).hasSize(2);
    }

    @Test
    void abortRecordsTheKnownVotesOfEnlistedParticipantsOnly() {
        long txId = preparingWithAB();
        TransactionView aborted = applied(new Decide(txId, Outcome.ABORT,
                Map.of("a", Vote.YES, "b", Vote.NO, "stranger", Vote.YES), "b voted NO"));
        assertThat(aborted.participants()).containsExactly(
                new ParticipantView("a", "http://a", Vote.YES, false),
                new ParticipantView("b", "http://b", Vote.NO, false));
    }

    @Test
    void commitOfATransactionWithoutParticipantsIsFinishedAtOnce() {
        long txId = begin();
        applied(new StartCommit(txId));
        TransactionView committed = applied(commit(txId, Map.of()));
        assertThat(committed.state()).isEqualTo(TxState.COMMITTED);
        assertThat(committed.isFinished()).isTrue();
        assertThat(apply(new Forget(List.of(txId)))).isEqualTo(new BatchApplied(List.of(txId)));
    }

    @Test
    void commandsForAnUnknownTransactionAreRefusedNotFound() {
        begin();
        for (TxCommand command : List.of(new Enlist(9, "a", "http://a"), new StartCommit(9),
                commit(9, Map.of()), abort(9, null))) {
            assertThat(apply(command)).isEqualTo(new Refused(Refusal.NOT_FOUND, null));
        }
        assertThat(apply(new Acknowledge(List.of(new BranchRef(9, "a"))))).isEqualTo(new BatchApplied(List.of()));
        assertThat(apply(new Forget(List.of(9L)))).isEqualTo(new BatchApplied(List.of()));
    }

    // ---- rule 2: COMMIT only with a YES from exactly the enlisted set, after StartCommit -----------------------

    @Test
    void commitWithAMissingVoterIsRefused() {
        long txId = preparingWithAB();
        refused(commit(txId, Map.of("a", Vote.YES)), Refusal.PARTICIPANTS_MISMATCH);
        assertThat(view(txId).state()).isEqualTo(TxState.PREPARING);
    }

    @Test
    void commitWithAnExtraVoterIsRefused() {
        long txId = preparingWithAB();
        refused(commit(txId, Map.of("a", Vote.YES, "b", Vote.YES, "c", Vote.YES)), Refusal.PARTICIPANTS_MISMATCH);
    }

    @Test
    void commitWithADifferentVoterSetOfTheSameSizeIsRefused() {
        long txId = preparingWithAB();
        refused(commit(txId, Map.of("a", Vote.YES, "c", Vote.YES)), Refusal.PARTICIPANTS_MISMATCH);
    }

    @Test
    void commitWithANoVoteIsRefused() {
        long txId = preparingWithAB();
        refused(commit(txId, Map.of("a", Vote.YES, "b", Vote.NO)), Refusal.VOTE_AGAINST);
        // The NO vote can only lead to an abort.
        assertThat(applied(new Decide(txId, Outcome.ABORT, Map.of("a", Vote.YES, "b", Vote.NO), "b voted NO"))
                .state()).isEqualTo(TxState.ABORTED);
    }

    @Test
    void commitBeforeStartCommitIsRefused() {
        long txId = beginWithAB();
        refused(commit(txId, yesFromAB()), Refusal.COMMIT_NOT_STARTED);
        assertThat(view(txId).state()).isEqualTo(TxState.ACTIVE);
    }

    /** A COMMIT naming where each vote was asked: the one the leader logs when the votes beat the StartCommit. */
    private static Decide commitAsked(long txId, Map<String, Vote> votes, Map<String, String> askedAt) {
        return new Decide(txId, Outcome.COMMIT, votes, null, askedAt);
    }

    private static Map<String, String> askedAtAB() {
        return Map.of("a", "http://a", "b", "http://b");
    }

    @Test
    void aCommitNamingWhereTheVotesWereAskedFreezesTheSetItselfWithoutStartCommit() {
        long txId = beginWithAB();
        TransactionView committed = applied(commitAsked(txId, yesFromAB(), askedAtAB()));
        assertThat(committed.state()).isEqualTo(TxState.COMMITTED);
        // Frozen by the decision: a late enlist cannot join, and the StartCommit arriving after is a repeat.
        refused(new Enlist(txId, "c", "http://c"), Refusal.NOT_ACTIVE);
        assertThat(applied(new StartCommit(txId)).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aCommitNamingWhereTheVotesWereAskedIsRefusedIfTheSetMovedSinceTheVotes() {
        long txId = beginWithAB();
        // An enlist the round did not ask: left out of the votes, so the COMMIT is refused.
        applied(new Enlist(txId, "c", "http://c"));
        refused(commitAsked(txId, yesFromAB(), askedAtAB()), Refusal.PARTICIPANTS_MISMATCH);

        long moved = beginWithAB();
        // Same participants, but one re-enlisted elsewhere: its vote was asked of a branch that is not the one
        // the work now runs in, so it does not count.
        applied(new Enlist(moved, "b", "http://b-moved"));
        refused(commitAsked(moved, yesFromAB(), askedAtAB()), Refusal.PARTICIPANTS_MISMATCH);
        // Naming a participant that was asked but never enlisted is no better.
        refused(commitAsked(moved, yesFromAB(), Map.of("a", "http://a", "b", "http://b-moved", "z", "http://z")),
                Refusal.PARTICIPANTS_MISMATCH);
        assertThat(applied(commitAsked(moved, yesFromAB(), Map.of("a", "http://a", "b", "http://b-moved")))
                .state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aCommitFreezingTheSetItselfIsRefusedPastTheDeadlineButAcceptedAtIt() {
        long late = beginWithAB();
        now = T0 + TIMEOUT + 1;
        refused(commitAsked(late, yesFromAB(), askedAtAB()), Refusal.DEADLINE_PASSED);

        now = T0;
        long onTime = beginWithAB();
        now = T0 + TIMEOUT;
        assertThat(applied(commitAsked(onTime, yesFromAB(), askedAtAB())).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aCommitAfterStartCommitMayNameWhereTheVotesWereAskedAndIsCheckedAgainstThem() {
        long txId = preparingWithAB();
        refused(commitAsked(txId, yesFromAB(), Map.of("a", "http://a", "b", "http://elsewhere")),
                Refusal.PARTICIPANTS_MISMATCH);
        refused(commitAsked(txId, Map.of("a", Vote.YES, "b", Vote.NO), askedAtAB()), Refusal.VOTE_AGAINST);
        assertThat(applied(commitAsked(txId, yesFromAB(), askedAtAB())).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void enlistIsRefusedAfterStartCommit() {
        long txId = preparingWithAB();
        refused(new Enlist(txId, "c", "http://c"), Refusal.NOT_ACTIVE);
        refused(new Enlist(txId, "a", "http://a-moved"), Refusal.NOT_ACTIVE);
        assertThat(view(txId).participants()).extracting(ParticipantView::participantId, ParticipantView::endpoint)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "http://a"),
                        org.assertj.core.groups.Tuple.tuple("b", "http://b"));
        // So a commit naming the frozen set still goes through, and one including the late participant cannot.
        refused(commit(txId, Map.of("a", Vote.YES, "b", Vote.YES, "c", Vote.YES)), Refusal.PARTICIPANTS_MISMATCH);
        assertThat(applied(commit(txId, yesFromAB())).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void enlistIsRefusedAfterTheDecision() {
        long txId = beginWithAB();
        applied(abort(txId, "client abort"));
        refused(new Enlist(txId, "c", "http://c"), Refusal.NOT_ACTIVE);
    }

    @Test
    void enlistIsRefusedPastTheDeadlineButAcceptedAtIt() {
        long txId = begin();
        now = T0 + TIMEOUT;
        applied(new Enlist(txId, "a", "http://a"));
        now = T0 + TIMEOUT + 1;
        refused(new Enlist(txId, "b", "http://b"), Refusal.NOT_ACTIVE);
        assertThat(participantIds(view(txId))).containsExactly("a");
    }

    @Test
    void reEnlistingIsIdempotentAndTheNewestEndpointWins() {
        long txId = beginWithAB();
        TransactionView again = applied(new Enlist(txId, "a", "http://a-moved"));
        assertThat(again.participants()).containsExactly(
                new ParticipantView("a", "http://a-moved", null, false),
                new ParticipantView("b", "http://b", null, false));
    }

    @Test
    void startCommitPastTheDeadlineIsRefusedAndTheTransactionCanOnlyAbort() {
        long txId = beginWithAB();
        now = T0 + TIMEOUT + 1;
        refused(new StartCommit(txId), Refusal.DEADLINE_PASSED);
        refused(commit(txId, yesFromAB()), Refusal.COMMIT_NOT_STARTED);
        assertThat(applied(abort(txId, "timeout")).state()).isEqualTo(TxState.ABORTED);
    }

    @Test
    void everyCommandButABeginWithoutAnIdempotencyKeyMayBeAppliedTwice() {
        assertThat(new Begin(TIMEOUT, null).repeatable()).isFalse();
        assertThat(new Begin(TIMEOUT, "key").repeatable()).isTrue();
        assertThat(List.of(new Enlist(1, "a", "http://a"), new StartCommit(1),
                new Decide(1, Outcome.ABORT, Map.of(), "x"), new Acknowledge(List.of()),
                new Forget(List.of(1L)))).allMatch(TxCommand::repeatable);
    }

    @Test
    void startCommitIsIdempotent() {
        long txId = preparingWithAB();
        now = T0 + TIMEOUT + 1; // a repeat past the deadline still reports the state
        assertThat(applied(new StartCommit(txId)).state()).isEqualTo(TxState.PREPARING);
        applied(abort(txId, "timeout"));
        assertThat(applied(new StartCommit(txId)).state()).isEqualTo(TxState.ABORTED);
    }

    @Test
    void aCommitAfterStartCommitIsAllowedPastTheDeadline() {
        // The participant set was frozen in time; the prepare round may end after the deadline.
        long txId = preparingWithAB();
        now = T0 + TIMEOUT + 1_000;
        assertThat(applied(commit(txId, yesFromAB())).state()).isEqualTo(TxState.COMMITTED);
    }

    // ---- rule 3: the first decision wins -----------------------------------------------------------------------

    @Test
    void abortThenCommitIsRefused() {
        long txId = preparingWithAB();
        TransactionView aborted = applied(abort(txId, "timeout"));
        Refused refused = refused(commit(txId, yesFromAB()), Refusal.ALREADY_DECIDED);
        assertThat(refused.current()).isEqualTo(aborted);
    }

    @Test
    void commitThenAbortIsRefused() {
        long txId = preparingWithAB();
        TransactionView committed = applied(commit(txId, yesFromAB()));
        now += 50;
        Refused refused = refused(abort(txId, "timeout"), Refusal.ALREADY_DECIDED);
        assertThat(refused.current()).isEqualTo(committed);
        assertThat(view(txId).decisionIndex()).isEqualTo(committed.decisionIndex());
    }

    @Test
    void aRepeatedCommitIsAppliedAndChangesNothing() {
        long txId = preparingWithAB();
        TransactionView first = applied(commit(txId, yesFromAB()));
        now += 50;
        TransactionView repeat = applied(commit(txId, Map.of("a", Vote.YES, "b", Vote.READ_ONLY)));
        assertThat(repeat).isEqualTo(first);
        assertThat(view(txId)).isEqualTo(first);
    }

    @Test
    void aRepeatedAbortIsAppliedAndKeepsTheFirstReasonAndIndex() {
        long txId = beginWithAB();
        TransactionView first = applied(abort(txId, "client abort"));
        now += 50;
        TransactionView repeat = applied(abort(txId, "timeout"));
        assertThat(repeat).isEqualTo(first);
        assertThat(repeat.reason()).isEqualTo("client abort");
    }

    @Test
    void decisionsInOneLogEntryShareItsIndex() {
        long one = preparingWithAB();
        long two = preparingWithAB();
        long entry = ++index;
        table.apply(commit(one, yesFromAB()), entry, now);
        table.apply(abort(two, null), entry, now);
        assertThat(view(one).decisionIndex()).isEqualTo(entry);
        assertThat(view(two).decisionIndex()).isEqualTo(entry);
        assertThat(table.appliedIndex()).isEqualTo(entry);
    }

    // ---- rule 4: keep the decision until every participant acknowledged ----------------------------------------

    @Test
    void aReadOnlyBranchCountsAsAcknowledgedAtTheDecision() {
        long txId = preparingWithAB();
        TransactionView committed = applied(commit(txId, Map.of("a", Vote.YES, "b", Vote.READ_ONLY)));
        assertThat(committed.participants()).containsExactly(
                new ParticipantView("a", "http://a", Vote.YES, false),
                new ParticipantView("b", "http://b", Vote.READ_ONLY, true));
        assertThat(committed.unacknowledged()).extracting(ParticipantView::participantId).containsExactly("a");
    }

    @Test
    void anAllReadOnlyCommitIsFinishedAtOnce() {
        long txId = preparingWithAB();
        TransactionView committed = applied(commit(txId, Map.of("a", Vote.READ_ONLY, "b", Vote.READ_ONLY)));
        assertThat(committed.isFinished()).isTrue();
    }

    @Test
    void anAcknowledgementBeforeTheDecisionIsIgnored() {
        long txId = preparingWithAB();
        TransactionView before = view(txId);
        assertThat(apply(new Acknowledge(List.of(new BranchRef(txId, "a"))))).isEqualTo(new BatchApplied(List.of()));
        assertThat(view(txId)).isEqualTo(before);

        TransactionView committed = applied(commit(txId, yesFromAB()));
        assertThat(committed.participants()).noneMatch(ParticipantView::acknowledged);
    }

    @Test
    void acknowledgementsAreIdempotentAndReportOnlyChangedTransactions() {
        long one = preparingWithAB();
        long two = preparingWithAB();
        applied(commit(one, yesFromAB()));
        applied(abort(two, null));
        assertThat(apply(new Acknowledge(List.of(new BranchRef(one, "a"), new BranchRef(two, "b"),
                new BranchRef(one, "b"), new BranchRef(two, "stranger")))))
                .isEqualTo(new BatchApplied(List.of(one, two)));
        assertThat(apply(new Acknowledge(List.of(new BranchRef(one, "a"), new BranchRef(two, "b")))))
                .isEqualTo(new BatchApplied(List.of()));
        assertThat(view(two).unacknowledged()).extracting(ParticipantView::participantId).containsExactly("a");
    }

    @Test
    void forgetIsRefusedUntilEveryParticipantAcknowledged() {
        long txId = preparingWithAB();
        TransactionView committed = applied(commit(txId, yesFromAB()));

        assertThat(apply(new Forget(List.of(txId)))).isEqualTo(new BatchApplied(List.of()));
        assertThat(view(txId)).isEqualTo(committed);

        apply(new Acknowledge(List.of(new BranchRef(txId, "a"))));
        assertThat(apply(new Forget(List.of(txId)))).isEqualTo(new BatchApplied(List.of()));
        assertThat(view(txId).state()).isEqualTo(TxState.COMMITTED);

        apply(new Acknowledge(List.of(new BranchRef(txId, "b"))));
        assertThat(apply(new Forget(List.of(txId, txId)))).isEqualTo(new BatchApplied(List.of(txId)));
        assertThat(view(txId)).isNull();
        // The same Forget applied again (a resend after a leader change, TxCommand.repeatable) changes nothing.
        List<TransactionView> before = table.query(new TxQuery.Recent(100));
        assertThat(apply(new Forget(List.of(txId, txId)))).isEqualTo(new BatchApplied(List.of()));
        assertThat(table.query(new TxQuery.Recent(100))).isEqualTo(before);
        // Once forgotten, a late decision cannot resurrect it.
        assertThat(apply(abort(txId, "late"))).isEqualTo(new Refused(Refusal.NOT_FOUND, null));
    }

    @Test
    void forgetNeverDropsAnUndecidedTransaction() {
        long active = begin();
        long preparing = preparingWithAB();
        long empty = begin(); // no participants: "all acknowledged" trivially, but undecided
        assertThat(apply(new Forget(List.of(active, preparing, empty)))).isEqualTo(new BatchApplied(List.of()));
        assertThat(table.size()).isEqualTo(3);
    }

    // ---- rule 7: idempotency keys and ids ------------------------------------------------------------------------

    @Test
    void idsAreAssignedInLogOrderAndNeverReused() {
        long one = preparingWithAB();
        applied(commit(one, Map.of("a", Vote.READ_ONLY, "b", Vote.READ_ONLY)));
        apply(new Forget(List.of(one)));
        assertThat(begin()).isEqualTo(2);
        assertThat(begin()).isEqualTo(3);
        assertThat(table.lastTxId()).isEqualTo(3);
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheSameTransaction() {
        TransactionView first = applied(new Begin(TIMEOUT, "key-1"));
        applied(new Enlist(first.txId(), "a", "http://a"));
        now += 100;
        TransactionView again = applied(new Begin(TIMEOUT, "key-1"));
        assertThat(again.txId()).isEqualTo(first.txId());
        assertThat(again).isEqualTo(view(first.txId()));
        assertThat(again.beganAtMillis()).isEqualTo(T0);
        assertThat(table.lastTxId()).as("no id consumed by the repeat").isEqualTo(first.txId());
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheTransactionEvenOnceDecided() {
        long txId = applied(new Begin(TIMEOUT, "key-1")).txId();
        applied(abort(txId, "client abort"));
        TransactionView again = applied(new Begin(TIMEOUT, "key-1"));
        assertThat(again.txId()).isEqualTo(txId);
        assertThat(again.state()).isEqualTo(TxState.ABORTED);
    }

    @Test
    void anIdempotencyKeyReusedWithAnotherTimeoutIsAConflict() {
        TransactionView first = applied(new Begin(TIMEOUT, "key-1"));
        Refused refused = (Refused) apply(new Begin(TIMEOUT + 1, "key-1"));
        assertThat(refused).isEqualTo(new Refused(Refusal.IDEMPOTENCY_CONFLICT, first));
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.lastTxId()).isEqualTo(first.txId());
    }

    @Test
    void beginsWithoutOrWithDifferentKeysAreDistinctTransactions() {
        long one = applied(new Begin(TIMEOUT, null)).txId();
        long two = applied(new Begin(TIMEOUT, null)).txId();
        long three = applied(new Begin(TIMEOUT, "key-1")).txId();
        long four = applied(new Begin(TIMEOUT, "key-2")).txId();
        assertThat(List.of(one, two, three, four)).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void idempotencyKeysAndIdsSurviveASnapshot() {
        long keyed = applied(new Begin(TIMEOUT, "key-1")).txId();
        begin();
        TransactionTable restored = TransactionTable.fromSnapshot(table.toSnapshot());
        TxResult again = restored.apply(new Begin(TIMEOUT, "key-1"), ++index, now);
        assertThat(((Applied) again).view().txId()).isEqualTo(keyed);
        TxResult fresh = restored.apply(new Begin(TIMEOUT, null), ++index, now);
        assertThat(((Applied) fresh).view().txId()).isEqualTo(3);
        assertThat(restored.appliedIndex()).isEqualTo(index);
    }

    /**
     * Regression (found by these tests, fixed): the deadline is {@code beganAtMillis + timeoutMs} without overflow check. {@code Begin} accepts any
     * positive timeout, so {@code Begin(Long.MAX_VALUE)} yields a negative deadline: the transaction is past its
     * deadline at once (every enlist NOT_ACTIVE, StartCommit DEADLINE_PASSED). Fix: saturate in the
     * {@link Transaction} constructor, {@code deadlineMillis = timeoutMs > Long.MAX_VALUE - beganAtMillis ?
     * Long.MAX_VALUE : beganAtMillis + timeoutMs} (the snapshot recomputes it the same way), or bound
     * {@code timeoutMs} in {@code Begin}'s constructor (e.g. at most a day) and in the API validation.
     */
    @Test
    void aHugeTimeoutDoesNotOverflowTheDeadline() {
        long txId = applied(new Begin(Long.MAX_VALUE, null)).txId();
        assertThat(view(txId).deadlineMillis()).isGreaterThan(T0);
        applied(new Enlist(txId, "a", "http://a"));
        assertThat(applied(new StartCommit(txId)).state()).isEqualTo(TxState.PREPARING);
    }

    // ---- queries -------------------------------------------------------------------------------------------------

    @Test
    void recentListsTheNewestFirst() {
        for (int i = 0; i < 5; i++) {
            begin();
        }
        applied(abort(2, null));
        apply(new Forget(List.of(2L))); // finished: no participants, decided
        assertThat(table.query(new TxQuery.Recent(3))).extracting(TransactionView::txId).containsExactly(5L, 4L, 3L);
        assertThat(table.query(new TxQuery.Recent(10))).extracting(TransactionView::txId)
                .containsExactly(5L, 4L, 3L, 1L);
        assertThat(table.query(new TxQuery.Recent(0))).isEmpty();
    }

    @Test
    void getFindsOnlyHeldTransactions() {
        long txId = begin();
        assertThat(table.query(new TxQuery.Get(txId))).extracting(TransactionView::txId).containsExactly(txId);
        assertThat(table.query(new TxQuery.Get(txId + 1))).isEmpty();
        assertThatThrownBy(() -> new TxQuery.Recent(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unfinishedListsTransactionsWithWorkLeftInIdOrder() {
        long one = beginWithAB();
        long two = begin();
        long three = beginWithAB();
        applied(abort(two, null));
        assertThat(table.unfinished()).extracting(TransactionView::txId).containsExactly(one, three);
    }

    @Test
    void appliedIndexIsTheHighestIndexApplied() {
        table.apply(new Begin(TIMEOUT, null), 7, now);
        table.apply(new Begin(TIMEOUT, null), 7, now);
        table.apply(new StartCommit(1), 9, now);
        assertThat(table.appliedIndex()).isEqualTo(9);
        byte[] snapshot = table.toSnapshot();
        TransactionTable restored = TransactionTable.fromSnapshot(snapshot);
        assertThat(restored.appliedIndex()).isEqualTo(9);
        assertThat(Arrays.equals(restored.toSnapshot(), snapshot)).isTrue();
    }

    @Test
    void commandsValidateTheirArguments() {
        assertThatThrownBy(() -> new Begin(0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Begin(-5, "k")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Enlist(1, null, "http://a")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Decide(1, null, Map.of(), null)).isInstanceOf(NullPointerException.class);
    }

    // ---- deferred begins ---------------------------------------------------------------------------------------

    private static final List<ParticipantAddress> DECLARED =
            List.of(new ParticipantAddress("a", "http://a"), new ParticipantAddress("b", "http://b"));

    private long reserveOne(long liveForMillis) {
        TxResult.Reserved reserved = (TxResult.Reserved) apply(new TxCommand.ReserveIds(1, liveForMillis));
        return reserved.firstTxId();
    }

    @Test
    void aDeferredBeginIsLoggedWithItsCommitInOneCommand() {
        long txId = reserveOne(60_000);

        TransactionView committed = applied(new Decide(txId, Outcome.COMMIT, Map.of("a", Vote.YES, "b", Vote.YES), null,
                Map.of("a", "http://a", "b", "http://b"), new DeferredBegin(now + TIMEOUT, DECLARED)));

        assertThat(committed.state()).isEqualTo(TxState.COMMITTED);
        assertThat(committed.deadlineMillis()).isEqualTo(now + TIMEOUT);
    }

    @Test
    void anAbortOfAnIdOfALiveBlockIsLoggedFirstAndItsDeferredCommitLoses() {
        long txId = reserveOne(60_000);
        assertThat(applied(new Decide(txId, Outcome.ABORT, Map.of(), "asked")).state()).isEqualTo(TxState.ABORTED);

        refused(new Decide(txId, Outcome.COMMIT, Map.of("a", Vote.YES, "b", Vote.YES), null,
                Map.of("a", "http://a", "b", "http://b"), new DeferredBegin(now + TIMEOUT, DECLARED)),
                Refusal.ALREADY_DECIDED);
    }

    @Test
    void onceItsBlockIsDeadADeferredBeginIsRefusedAndAnIdStaysUnknown() {
        long txId = reserveOne(1_000);
        now += 1_001;

        refused(new StartCommit(txId, new DeferredBegin(now + TIMEOUT, DECLARED)), Refusal.NOT_FOUND);
        refused(new Decide(txId, Outcome.ABORT, Map.of(), "asked"), Refusal.NOT_FOUND);
    }

    @Test
    void aTransactionOfALiveBlockIsNotForgottenUntilTheBlockDies() {
        long txId = reserveOne(10_000);
        applied(new Decide(txId, Outcome.ABORT, Map.of(), "asked"));

        assertThat(table.forgettable(Long.MAX_VALUE, 10)).isEmpty();
        apply(new Forget(List.of(txId)));
        assertThat(view(txId)).as("still held while its block lives").isNotNull();

        now += 10_001;
        apply(new Forget(List.of(txId)));
        assertThat(table.query(new TxQuery.Get(txId))).isEmpty();
    }
}
