package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.GlobalTransactionId;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A participant and the base URL the coordinator calls it at for prepare, commit and abort. It is the body of
 * an enlist ({@code POST /v1/transactions/{txId}/participants}), an entry of a begin's declared participants,
 * and what an agent answers at {@code GET /verdict/v1/participant}.
 */
public record ParticipantAddress(
        @NotNull @Pattern(regexp = GlobalTransactionId.ID_PATTERN, message = "must match " + GlobalTransactionId.ID_PATTERN)
        String participantId,
        @NotBlank @Size(max = 512) @Pattern(regexp = "https?://[^\\s]+", message = "must be an http(s) URL")
        String endpoint) {
}
