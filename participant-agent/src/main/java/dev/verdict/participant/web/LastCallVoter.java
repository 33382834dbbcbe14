package dev.verdict.participant.web;

import dev.verdict.participant.branch.ParticipantIdentity;
import dev.verdict.participant.branch.TwoPhaseParticipant;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.participant.PrepareResponse;
import dev.verdict.protocol.participant.SignedVote;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Votes at the end of a call the client marked as its last to this participant ({@code Verdict-Prepare}): the
 * branch is prepared exactly as a PREPARE from the coordinator would prepare it, and the vote is signed with the
 * declaration key for the client to carry to the commit ({@link SignedVote}), which saves the leader the PREPARE
 * call. A PREPARE that comes anyway (the vote was not carried, or the commit went through a follower) gets the
 * same answer: voting is idempotent.
 */
public final class LastCallVoter {

    private static final Logger log = LoggerFactory.getLogger(LastCallVoter.class);

    private final TwoPhaseParticipant twoPhase;
    private final SignedVote signatures;
    private final ParticipantIdentity identity;
    private final Supplier<String> endpoint;

    public LastCallVoter(TwoPhaseParticipant twoPhase, SignedVote signatures, ParticipantIdentity identity,
            Supplier<String> endpoint) {
        this.twoPhase = twoPhase;
        this.signatures = signatures;
        this.identity = identity;
        this.endpoint = endpoint;
    }

    /** Prepares the branch of {@code txId} and returns the signed vote; empty if no vote could be had. */
    public Optional<String> prepareAndSign(long txId) {
        PrepareResponse response;
        try {
            response = twoPhase.prepare(txId);
        } catch (RuntimeException e) {
            // the leader's PREPARE asks again and gets the vote (NO if the branch is gone)
            log.debug("No vote for tx {} at the end of its last call", txId, e);
            return Optional.empty();
        }
        if (response.vote() == null) {
            return Optional.empty();
        }
        return Optional.of(signatures.sign(txId, response.vote(),
                new ParticipantAddress(identity.participantId(), endpoint.get())));
    }
}
