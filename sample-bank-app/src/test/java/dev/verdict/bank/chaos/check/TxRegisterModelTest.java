package dev.verdict.bank.chaos.check;

import static dev.verdict.bank.chaos.history.TxReading.ABORTED;
import static dev.verdict.bank.chaos.history.TxReading.ACTIVE;
import static dev.verdict.bank.chaos.history.TxReading.COMMITTED;
import static dev.verdict.bank.chaos.history.TxReading.NOT_FOUND;
import static dev.verdict.bank.chaos.history.TxReading.PREPARING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.bank.chaos.check.Linearizability.Entry;
import dev.verdict.bank.chaos.check.TxRegisterModel.Decide;
import dev.verdict.bank.chaos.check.TxRegisterModel.DecideUnknown;
import dev.verdict.bank.chaos.check.TxRegisterModel.Read;
import dev.verdict.bank.chaos.history.TxReading;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made histories of one transaction's decision and status reads, linearizable or not. */
class TxRegisterModelTest {

    private static final long NEVER = Long.MAX_VALUE;

    private final List<Entry<TxRegisterModel.Op>> history = new ArrayList<>();

    private TxRegisterModelTest decide(TxReading outcome, long call, long ret) {
        history.add(new Entry<>(history.size(), new Decide(outcome), call, ret));
        return this;
    }

    private TxRegisterModelTest unknown(long call) {
        history.add(new Entry<>(history.size(), new DecideUnknown(), call, NEVER));
        return this;
    }

    private TxRegisterModelTest read(TxReading seen, long call, long ret) {
        history.add(new Entry<>(history.size(), new Read(seen), call, ret));
        return this;
    }

    private Linearizability.Result<TxRegisterModel.Op> check() {
        return Linearizability.check(TxRegisterModel.INSTANCE, history);
    }

    private boolean linearizable() {
        return check().linearizable();
    }

    @Test
    void readsFollowTheLifeOfACommit() {
        decide(COMMITTED, 0, 10).read(ACTIVE, 1, 2).read(PREPARING, 3, 4).read(COMMITTED, 5, 6).read(COMMITTED, 11, 12);
        assertThat(linearizable()).isTrue();
    }

    @Test
    void aStaleReadAfterTheAnswerIsCaught() {
        // the client was told COMMITTED at 1; a read that began after that cannot see ACTIVE (a stale follower read)
        decide(COMMITTED, 0, 1).read(ACTIVE, 2, 3);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void aDecisionNeverChanges() {
        decide(COMMITTED, 0, 10).read(ABORTED, 2, 3);
        assertThat(linearizable()).as("abort read before a commit that was answered").isFalse();
        history.clear();
        decide(ABORTED, 0, 1).read(COMMITTED, 2, 3);
        assertThat(linearizable()).as("commit read after an abort was answered").isFalse();
        history.clear();
        read(COMMITTED, 0, 1).read(ABORTED, 2, 3).unknown(0);
        assertThat(linearizable()).as("two reads that disagree").isFalse();
    }

    @Test
    void theCoordinatorMayAbortOnItsOwn() {
        // deadline passed before the client's commit: the commit is answered ABORTED; a read saw it first
        read(ACTIVE, 0, 1).read(ABORTED, 2, 3).decide(ABORTED, 4, 5);
        assertThat(linearizable()).isTrue();
    }

    @Test
    void butNeverCommitsWithoutACommitRequest() {
        read(ACTIVE, 0, 1).read(COMMITTED, 2, 3).decide(COMMITTED, 4, 5);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void readsNeedBacktrackingToFitInsideALongCommit() {
        // The commit's call comes first, so the search linearizes it first and the ACTIVE read then fails; it must
        // backtrack and put the ACTIVE and PREPARING reads before the decision.
        decide(COMMITTED, 0, 10).read(COMMITTED, 6, 7).read(ACTIVE, 1, 9).read(PREPARING, 2, 8);
        var result = check();
        assertThat(result.linearizable()).isTrue();
        assertThat(result.order()).extracting(e -> e.op()).containsExactly(
                new Read(ACTIVE), new Read(PREPARING), new Decide(COMMITTED), new Read(COMMITTED));
    }

    @Test
    void overlappingReadsThatCannotBeOrdered() {
        // PREPARING ends before ACTIVE starts, so ACTIVE would follow PREPARING: a state going backwards
        decide(COMMITTED, 0, 20).read(PREPARING, 1, 2).read(ACTIVE, 3, 4);
        assertThat(linearizable()).isFalse();
        history.clear();
        // overlapping, they can be ordered ACTIVE then PREPARING
        decide(COMMITTED, 0, 20).read(PREPARING, 1, 5).read(ACTIVE, 3, 4);
        assertThat(linearizable()).isTrue();
    }

    @Test
    void anUnknownCommitMayLandEitherWayOrNotAtAll() {
        unknown(0).read(ACTIVE, 5, 6).read(COMMITTED, 10, 11);
        assertThat(linearizable()).isTrue();
        history.clear();
        unknown(0).read(ABORTED, 5, 6);
        assertThat(linearizable()).isTrue();
        history.clear();
        unknown(0).read(ACTIVE, 5, 6).read(ACTIVE, 7, 8);
        assertThat(linearizable()).isTrue();
        history.clear();
        unknown(0).read(COMMITTED, 5, 6).read(PREPARING, 7, 8);
        assertThat(linearizable()).isFalse();
    }

    @Test
    void forgettingComesOnlyAfterTheDecision() {
        decide(ABORTED, 0, 1).read(NOT_FOUND, 2, 3);
        assertThat(linearizable()).isTrue();
        history.clear();
        decide(COMMITTED, 0, 5).read(NOT_FOUND, 1, 2).read(ACTIVE, 3, 4);
        assertThat(linearizable()).as("NOT_FOUND while undecided").isFalse();
        history.clear();
        decide(COMMITTED, 0, 1).read(NOT_FOUND, 2, 3).read(COMMITTED, 4, 5);
        assertThat(linearizable()).as("found again after being forgotten").isFalse();
    }

    @Test
    void aRepeatedCommitAnswerIsConsistent() {
        decide(COMMITTED, 0, 3).decide(COMMITTED, 2, 5).read(COMMITTED, 6, 7);
        assertThat(linearizable()).isTrue();
        history.clear();
        decide(COMMITTED, 0, 3).decide(ABORTED, 4, 5);
        assertThat(linearizable()).as("the second answer contradicts the first").isFalse();
    }
}
