package dev.verdict.coordinator.log;

import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated decision log, as the rest of the coordinator sees it. Production: Apache Ratis over 3 or 5
 * nodes. Tests: an in-memory log driven by a seeded simulation.
 */
public interface DecisionLog extends AutoCloseable {

    /**
     * Appends a command through consensus. Completes with the result of applying it once it is committed by a
     * quorum and applied; fails with {@link NoQuorumException} when no leader could take it in time, in which case
     * the command may or may not have been applied (callers read the state back; they never guess).
     */
    CompletableFuture<TxResult> propose(TxCommand command);

    /** A linearizable read: reflects every command committed before it was issued (Ratis: a read through the log). */
    CompletableFuture<List<TransactionView>> query(TxQuery query);

    /** This node's replica of the table: current as of its applied index, which may trail the leader's. */
    LocalReplica replica();

    /**
     * Completes with the transaction's decision as soon as this node can know it, from the first source that
     * has it: this node's replica, or where the leader can be asked, the leader's. A decided view is final
     * wherever it is read (rule 3), so either answer is the decision. It never completes on its own otherwise;
     * the caller bounds the wait, and completing or cancelling the future stops it.
     */
    default CompletableFuture<TransactionView> awaitDecision(long txId) {
        return replica().awaitDecision(txId);
    }

    /** Leadership and apply events of this node. */
    void addListener(LogListener listener);

    LogStatus status();

    @Override
    void close();
}
