package dev.verdict.participant.client;

import java.time.Instant;

/** A begun global transaction: participants called with {@code Verdict-Tx: txId} join it until the deadline. */
public record GlobalTransaction(long txId, Instant deadline) {
}
