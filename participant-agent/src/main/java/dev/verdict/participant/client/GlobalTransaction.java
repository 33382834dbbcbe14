package dev.verdict.participant.client;

import java.time.Instant;

/**
 * A begun global transaction: participants called with {@code Verdict-Tx: txId} join it until the deadline.
 *
 * @param declaration the coordinator's seal on the participants declared at begin (forwarded to them so they
 *        join without an enlist call), or null
 */
public record GlobalTransaction(long txId, Instant deadline, String declaration) {

    /** A transaction without a seal: every participant it calls enlists. */
    public GlobalTransaction(long txId, Instant deadline) {
        this(txId, deadline, null);
    }
}
