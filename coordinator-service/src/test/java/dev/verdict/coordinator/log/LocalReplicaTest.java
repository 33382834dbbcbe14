package dev.verdict.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCodec;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.TxState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Waiting on a replica for a decision: woken by the apply or by a snapshot that holds it, at once if decided, and
 * nothing kept afterwards.
 */
class LocalReplicaTest {

    private final LocalReplica replica = new LocalReplica();
    private long index;

    private TxResult apply(TxCommand command) {
        return replica.apply(new TxCodec.Entry(1_000, List.of(command)), ++index).getFirst();
    }

    private long begunAndCommitting() {
        long txId = ((TxResult.Applied) apply(new TxCommand.Begin(60_000, null))).view().txId();
        apply(new TxCommand.StartCommit(txId));
        return txId;
    }

    @Test
    void aWaiterIsWokenByTheDecisionsApply() {
        long txId = begunAndCommitting();
        CompletableFuture<TransactionView> decision = replica.awaitDecision(txId);
        apply(new TxCommand.Enlist(txId + 100, "a", "http://a")); // another transaction's command: not it
        assertThat(decision).isNotDone();

        apply(new TxCommand.Decide(txId, Outcome.COMMIT, Map.of(), null));

        assertThat(decision).isCompletedWithValueMatching(view -> view.state() == TxState.COMMITTED);
        assertThat(replica.transactionsAwaited()).isZero();
    }

    @Test
    void aTransactionDecidedBeforeTheWaitIsAnsweredAtOnce() {
        long txId = begunAndCommitting();
        apply(new TxCommand.Decide(txId, Outcome.ABORT, Map.of(), "test"));

        assertThat(replica.awaitDecision(txId)).isCompletedWithValueMatching(view -> view.state() == TxState.ABORTED);
        assertThat(replica.transactionsAwaited()).isZero();
    }

    @Test
    void aWaitGivenUpLeavesNothingBehind() {
        long txId = begunAndCommitting();
        CompletableFuture<TransactionView> first = replica.awaitDecision(txId);
        CompletableFuture<TransactionView> second = replica.awaitDecision(txId);
        assertThat(replica.transactionsAwaited()).isEqualTo(1);

        first.cancel(false);
        assertThat(replica.transactionsAwaited()).isEqualTo(1);
        second.completeExceptionally(new IllegalStateException("timed out"));
        assertThat(replica.transactionsAwaited()).isZero();

        apply(new TxCommand.Decide(txId, Outcome.COMMIT, Map.of(), null));
        assertThat(first).isCancelled();
    }

    @Test
    void aWaiterIsWokenWhenTheDecisionArrivesInASnapshot() {
        long txId = begunAndCommitting();
        CompletableFuture<TransactionView> decision = replica.awaitDecision(txId);
        LocalReplica leader = new LocalReplica(); // the same log, applied further, then sent as a snapshot
        leader.restore(replica.snapshot());
        leader.apply(new TxCodec.Entry(1_000, List.of(new TxCommand.Decide(txId, Outcome.COMMIT, Map.of(), null))),
                ++index);

        replica.restore(leader.snapshot());

        assertThat(decision).isCompletedWithValueMatching(view -> view.state() == TxState.COMMITTED);
        assertThat(replica.transactionsAwaited()).isZero();
    }
}
