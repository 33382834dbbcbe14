package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.GlobalTransactionId;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /v1/transactions/{txId}/participants}: a participant joins the transaction.
 * {@code endpoint} is the base URL the coordinator calls for prepare, commit and abort.
 */
public record EnlistRequest(
        @NotNull @Pattern(regexp = GlobalTransactionId.ID_PATTERN, message = "must match " + GlobalTransactionId.ID_PATTERN)
        String participantId,
        @NotBlank @Size(max = 512) @Pattern(regexp = "https?://[^\\s]+", message = "must be an http(s) URL")
        String endpoint) {
}
