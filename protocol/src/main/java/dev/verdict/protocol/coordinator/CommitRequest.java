package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.participant.SignedVote;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The optional body of {@code POST /v1/transactions/{txId}/commit}.
 *
 * @param votes the participants' signed votes the client collected from calls it marked {@code Verdict-Prepare}
 *        ({@link SignedVote}); the leader sends no PREPARE to a participant whose vote checks out. Empty or
 *        missing: every participant is sent PREPARE.
 */
public record CommitRequest(
        @Size(max = DeclarationSeal.MAX_PARTICIPANTS) List<@NotBlank @Size(max = SignedVote.MAX_LENGTH) String> votes) {

    public CommitRequest {
        votes = votes == null ? List.of() : votes; // null entries are left to validation (@NotBlank)
    }
}
