package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.participant.SignedVote;
import java.util.Optional;

/** Checks a vote token a client carried with its commit: the vote, if the participant signed it for this transaction. */
@FunctionalInterface
public interface VoteCheck {

    /** Without a declaration key nothing checks out: every participant is sent PREPARE. */
    VoteCheck NONE = (token, txId, participant) -> Optional.empty();

    Optional<Vote> check(String token, long txId, ParticipantView participant);

    /** Checks signatures made with the shared declaration key (none configured: {@link #NONE}). */
    static VoteCheck withKey(String declarationKey) {
        return SignedVote.withKey(declarationKey)
                .<VoteCheck>map(signatures -> (token, txId, participant) -> signatures.verify(token, txId,
                        new ParticipantAddress(participant.participantId(), participant.endpoint())))
                .orElse(NONE);
    }
}
