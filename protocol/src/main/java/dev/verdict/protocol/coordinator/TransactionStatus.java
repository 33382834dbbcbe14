package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.TxState;
import java.time.Instant;
import java.util.List;

/**
 * Answer to {@code GET /v1/transactions/{txId}}: read linearizably from the decision log.
 * {@code decisionIndex} is the Raft log index of the decision (the fencing token), null while undecided.
 */
public record TransactionStatus(
        long txId,
        TxState state,
        Instant deadline,
        List<ParticipantStatus> participants,
        Long decisionIndex,
        String reason) {
}
