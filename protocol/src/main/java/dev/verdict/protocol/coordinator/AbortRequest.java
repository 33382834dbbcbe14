package dev.verdict.protocol.coordinator;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The optional body of {@code POST /v1/transactions/{txId}/abort}, for a deferred begin
 * ({@link TransactionBegun#deferred()}): the participants declared at begin, in the same order, and the begin's
 * declaration seal. With them the ABORT logged names the participants, so they hear it at once; without them
 * the ABORT is still logged, and the participants learn it when they ask.
 */
public record AbortRequest(
        @Size(max = DeclarationSeal.MAX_PARTICIPANTS) List<@NotNull @Valid ParticipantAddress> participants,
        @Size(max = CommitRequest.MAX_DECLARATION_LENGTH) String declaration) {

    public AbortRequest {
        participants = participants == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(participants));
    }
}
