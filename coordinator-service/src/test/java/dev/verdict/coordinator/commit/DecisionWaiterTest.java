package dev.verdict.coordinator.commit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.coordinator.log.InMemoryDecisionLog;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A commit request's bounded wait for its decision, on virtual time. */
class DecisionWaiterTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryDecisionLog log = new InMemoryDecisionLog("n1", Runnable::run, scheduler::nowMillis);
    private final DecisionWaiter waiter = new DecisionWaiter(log, scheduler);

    private long begin() {
        return ((TxResult.Applied) log.appendNow(new TxCommand.Begin(60_000, null))).view().txId();
    }

    @Test
    void aWaitWithoutADecisionFailsWithDecisionPendingAtItsTimeoutAndNotBefore() {
        long txId = begin();

        CompletableFuture<TransactionView> wait = waiter.awaitDecision(txId, 1_000);
        scheduler.advance(999);
        assertThat(wait).isNotDone();

        scheduler.advance(1);
        assertThat(wait).isCompletedExceptionally();
        assertThat(wait.handle((view, failure) -> failure instanceof CompletionException c ? c.getCause() : failure)
                .join())
                .isInstanceOfSatisfying(CoordinatorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DECISION_PENDING));
    }

    @Test
    void aDecisionInTimeAnswersTheWaitAndTheTimeoutLeavesItSo() {
        long txId = begin();

        CompletableFuture<TransactionView> wait = waiter.awaitDecision(txId, 1_000);
        log.appendNow(new TxCommand.Decide(txId, Outcome.ABORT, Map.of(), "client"));
        assertThat(wait).isCompletedWithValueMatching(view -> view.state() == TxState.ABORTED);

        scheduler.advance(1_000);
        assertThat(wait).isCompletedWithValueMatching(view -> view.state() == TxState.ABORTED);
    }

    @Test
    void aTransactionAlreadyDecidedIsAnsweredAtOnce() {
        long txId = begin();
        log.appendNow(new TxCommand.Decide(txId, Outcome.ABORT, Map.of(), "client"));

        assertThat(waiter.awaitDecision(txId, 1_000)).isCompletedWithValueMatching(view -> view.state() == TxState.ABORTED);
    }
}
