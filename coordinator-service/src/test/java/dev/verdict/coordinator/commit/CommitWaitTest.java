package dev.verdict.coordinator.commit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.InMemoryDecisionLog;
import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.log.LogStatus;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.TxState;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A commit starts waiting for the decision when it proposes StartCommit, not when StartCommit is applied: at a
 * follower the wait asks the leader, which can then answer the moment it decides. The log applies a proposal
 * only when the test drains it; the decision waits are futures the test completes, as a leader's answer would.
 */
class CommitWaitTest {

    private final Deque<Runnable> logQueue = new ArrayDeque<>();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryDecisionLog inner = new InMemoryDecisionLog("n2", logQueue::add, scheduler::nowMillis);
    private final WaitRecordingLog log = new WaitRecordingLog(inner);
    private final TransactionCoordinator coordinator = new TransactionCoordinator(log,
            new DecisionWaiter(log, scheduler), PrepareAhead.NONE, scheduler, new CoordinatorSettings(10_000, 30_000, 1_000));

    @Test
    void theWaitStartsWithTheProposalAndItsAnswerIsTheCommitsAnswer() {
        long txId = begun();

        CompletableFuture<TransactionView> commit = coordinator.commit(txId);

        assertThat(log.waits).as("waits started before StartCommit was applied").containsOnlyKeys(txId);
        drainLog(); // StartCommit applied: the commit now waits on the wait it started
        assertThat(state(txId)).isEqualTo(TxState.PREPARING);
        assertThat(commit).isNotDone();

        TransactionView decided = ((TxResult.Applied) inner.appendNow(
                new TxCommand.Decide(txId, Outcome.COMMIT, Map.of(), null))).view();
        log.waits.get(txId).complete(decided); // the leader's answer

        assertThat(commit).isCompletedWithValueMatching(view -> view.state() == TxState.COMMITTED);
    }

    @Test
    void aRefusedCommitIsAnsweredAsBeforeAndItsWaitIsCancelled() {
        long unknown = 4_242;

        CompletableFuture<TransactionView> commit = coordinator.commit(unknown);
        drainLog();

        assertThat(commit).isCompletedExceptionally();
        assertThat(commit.exceptionNow()).isInstanceOf(CoordinatorException.class);
        assertThat(log.waits.get(unknown)).isCancelled();
    }

    @Test
    void aCommitAlreadyDecidedWhenStartCommitIsAppliedCancelsItsWait() {
        long txId = begun();
        CompletableFuture<TransactionView> commit = coordinator.commit(txId);
        inner.appendNow(new TxCommand.Decide(txId, Outcome.ABORT, Map.of(), "timed out")); // lands first

        drainLog();

        assertThat(commit.join().state()).isEqualTo(TxState.ABORTED);
        assertThat(log.waits.get(txId)).isCancelled();
    }

    private long begun() {
        return ((TxResult.Applied) inner.appendNow(new TxCommand.Begin(10_000, null))).view().txId();
    }

    private void drainLog() {
        while (!logQueue.isEmpty()) {
            logQueue.poll().run();
        }
        scheduler.runReady();
    }

    private TxState state(long txId) {
        return inner.replica().read(t -> t.query(new TxQuery.Get(txId))).getFirst().state();
    }

    /** The in-memory log, with decision waits the test answers by hand and can look at. */
    private static final class WaitRecordingLog implements DecisionLog {
        private final InMemoryDecisionLog log;
        final Map<Long, CompletableFuture<TransactionView>> waits = new LinkedHashMap<>();

        WaitRecordingLog(InMemoryDecisionLog log) {
            this.log = log;
        }

        @Override
        public CompletableFuture<TransactionView> awaitDecision(long txId) {
            return waits.computeIfAbsent(txId, id -> new CompletableFuture<>());
        }

        @Override
        public CompletableFuture<TxResult> propose(TxCommand command) {
            return log.propose(command);
        }

        @Override
        public CompletableFuture<List<TransactionView>> query(TxQuery query) {
            return log.query(query);
        }

        @Override
        public LocalReplica replica() {
            return log.replica();
        }

        @Override
        public void addListener(LogListener listener) {
            log.addListener(listener);
        }

        @Override
        public LogStatus status() {
            return log.status();
        }

        @Override
        public void close() {
            log.close();
        }
    }
}
