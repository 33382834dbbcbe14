package dev.verdict.participant.client;

import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.time.Instant;
import java.util.List;

/**
 * A begun global transaction: participants called with {@code Verdict-Tx: txId} join it until the deadline.
 *
 * @param declaration the coordinator's seal on the participants declared at begin (forwarded to them so they
 *        join without an enlist call), or null
 * @param declared the participants declared at begin, in the order declared
 * @param deferred whether the begin was deferred: nothing is logged until the commit or abort, which carry
 *        {@code declared} and {@code declaration} so the coordinator logs the Begin with them
 */
public record GlobalTransaction(long txId, Instant deadline, String declaration, List<ParticipantAddress> declared,
        boolean deferred) {

    public GlobalTransaction {
        declared = List.copyOf(declared);
    }

    /** A transaction without a seal: every participant it calls enlists. */
    public GlobalTransaction(long txId, Instant deadline) {
        this(txId, deadline, null, List.of(), false);
    }
}
