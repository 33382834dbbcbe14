package dev.verdict.coordinator.txn;

import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.util.List;
import java.util.Objects;

/**
 * A Begin that was answered without a log write (a deferred begin) and travels with the transaction's first
 * StartCommit or decision instead: its deadline and the participants it declared, as the begin's answer sealed
 * them. The table logs it only for an id of a live reserved block it does not hold yet ({@link TxCommand.ReserveIds}),
 * never over a decision already there: an ABORT logged first for that id wins, as any first decision does.
 */
public record DeferredBegin(long deadlineMillis, List<ParticipantAddress> participants) {

    public DeferredBegin {
        participants = List.copyOf(participants);
        if (participants.isEmpty()) {
            throw new IllegalArgumentException("a deferred begin declares its participants");
        }
        for (ParticipantAddress participant : participants) {
            Objects.requireNonNull(participant.participantId(), "participantId");
            Objects.requireNonNull(participant.endpoint(), "endpoint");
        }
    }
}
