package dev.verdict.coordinator.txn;

import java.util.List;

/** What applying a command did. Every replica computes the same result for the same entry. */
public sealed interface TxResult {

    /** The command took effect (or was an idempotent repeat); {@code view} is the transaction afterwards. */
    record Applied(TransactionView view) implements TxResult {
    }

    /** The command was refused and changed nothing; {@code current} is the transaction as it is, when it exists. */
    record Refused(Refusal refusal, TransactionView current) implements TxResult {
    }

    /** The answer to a {@link TxCommand.Read}. */
    record Viewed(List<TransactionView> views) implements TxResult {
        public Viewed {
            views = List.copyOf(views);
        }
    }

    /** A batch command (Acknowledge, Forget): the transactions it changed. */
    record BatchApplied(List<Long> changedTxIds) implements TxResult {
        public BatchApplied {
            changedTxIds = List.copyOf(changedTxIds);
        }
    }

    /** The answer to a {@link TxCommand.ReserveIds}: ids {@code firstTxId..lastTxId}, live until {@code liveUntilMillis}. */
    record Reserved(long firstTxId, long lastTxId, long liveUntilMillis) implements TxResult {
    }
}
