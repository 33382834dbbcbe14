package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.TxState;
import java.time.Instant;

/** Answer to {@code POST /v1/transactions}. */
public record TransactionBegun(long txId, TxState state, Instant deadline) {
}
