package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.TxState;
import java.time.Instant;

/** Answer to an enlist: the participant is part of the transaction, which must end by {@code deadline}. */
public record Enlisted(long txId, String participantId, TxState state, Instant deadline) {
}
