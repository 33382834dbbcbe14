package dev.verdict.coordinator.api;

import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.protocol.coordinator.ParticipantStatus;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.time.Instant;

/** Maps the table's views to the wire records of the protocol. */
final class Responses {

    private Responses() {
    }

    static TransactionStatus status(TransactionView view) {
        return new TransactionStatus(view.txId(), view.state(), Instant.ofEpochMilli(view.deadlineMillis()),
                view.participants().stream()
                        .map(p -> new ParticipantStatus(p.participantId(), p.endpoint(), p.vote(), p.acknowledged()))
                        .toList(),
                view.decisionIndex() == 0 ? null : view.decisionIndex(),
                view.reason());
    }

    static TransactionOutcome outcome(TransactionView view) {
        return new TransactionOutcome(view.txId(), view.state(), view.reason());
    }
}
