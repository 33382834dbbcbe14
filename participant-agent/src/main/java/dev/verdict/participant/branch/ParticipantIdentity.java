package dev.verdict.participant.branch;

import dev.verdict.protocol.GlobalTransactionId;

/** Who this agent is in the cluster: the two ids every GID it prepares carries. */
public record ParticipantIdentity(String clusterId, String participantId) {

    public ParticipantIdentity {
        if (!GlobalTransactionId.isValidId(clusterId)) {
            throw new IllegalArgumentException("verdict.participant.cluster-id must match "
                    + GlobalTransactionId.ID_PATTERN + ": " + clusterId);
        }
        if (!GlobalTransactionId.isValidId(participantId)) {
            throw new IllegalArgumentException("verdict.participant.participant-id must be set and match "
                    + GlobalTransactionId.ID_PATTERN + ": " + participantId);
        }
    }

    public GlobalTransactionId gidOf(long txId) {
        return new GlobalTransactionId(clusterId, txId, participantId);
    }
}
