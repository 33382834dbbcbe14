package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.TxState;

/** Answer to commit and abort: the logged decision, and why when it is ABORTED. */
public record TransactionOutcome(long txId, TxState state, String reason) {
}
