package dev.verdict.coordinator.txn;

import dev.verdict.protocol.TxState;
import java.util.List;

/**
 * An immutable copy of one transaction in the table.
 *
 * @param decisionIndex the log index of the decision (the fencing token), 0 while undecided
 * @param reason        why it aborted (or null)
 */
public record TransactionView(
        long txId,
        TxState state,
        long beganAtMillis,
        long deadlineMillis,
        List<ParticipantView> participants,
        long decisionIndex,
        long decidedAtMillis,
        String reason) {

    public TransactionView {
        participants = List.copyOf(participants);
    }

    public boolean isDecided() {
        return state.isDecided();
    }

    /** Decided, and every participant has acknowledged phase 2: the decision may be forgotten. */
    public boolean isFinished() {
        return isDecided() && participants.stream().allMatch(ParticipantView::acknowledged);
    }

    public List<ParticipantView> unacknowledged() {
        return participants.stream().filter(p -> !p.acknowledged()).toList();
    }
}
