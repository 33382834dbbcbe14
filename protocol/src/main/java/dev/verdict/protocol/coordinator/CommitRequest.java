package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.participant.SignedVote;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The optional body of {@code POST /v1/transactions/{txId}/commit}.
 *
 * @param votes the participants' signed votes the client collected from calls it marked {@code Verdict-Prepare}
 *        ({@link SignedVote}); the leader sends no PREPARE to a participant whose vote checks out. Empty or
 *        missing: every participant is sent PREPARE.
 * @param participants for a deferred begin ({@link TransactionBegun#deferred()}): the participants declared at
 *        begin, in the same order; otherwise empty
 * @param declaration for a deferred begin: the begin's declaration seal, which must seal exactly
 *        {@code participants}; otherwise null
 */
public record CommitRequest(
        @Size(max = DeclarationSeal.MAX_PARTICIPANTS) List<@NotBlank @Size(max = SignedVote.MAX_LENGTH) String> votes,
        @Size(max = DeclarationSeal.MAX_PARTICIPANTS) List<@NotNull @Valid ParticipantAddress> participants,
        @Size(max = CommitRequest.MAX_DECLARATION_LENGTH) String declaration) {

    /** A seal of 64 participants, with room to spare. */
    public static final int MAX_DECLARATION_LENGTH = 2_048;

    public CommitRequest {
        votes = votes == null ? List.of() : votes; // null entries are left to validation (@NotBlank)
        participants = participants == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(participants));
    }

    public CommitRequest(List<String> votes) {
        this(votes, List.of(), null);
    }
}
