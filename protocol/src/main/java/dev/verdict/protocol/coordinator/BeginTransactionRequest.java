package dev.verdict.protocol.coordinator;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Body of {@code POST /v1/transactions}. A null timeout takes the coordinator's default.
 *
 * <p>{@code participants} (optional) declares the participants the client is going to call: the Begin entry
 * enlists them, so their agents' enlists are answered without another log write. Each one declared must then
 * be called and open its branch, or it votes NO at PREPARE and the transaction aborts; participants not declared
 * still join by enlisting.
 */
public record BeginTransactionRequest(
        @Min(value = MIN_TIMEOUT_MS, message = "must be at least " + MIN_TIMEOUT_MS + " ms")
        @Max(value = MAX_TIMEOUT_MS, message = "must be at most " + MAX_TIMEOUT_MS + " ms")
        Long timeoutMs,
        @Size(max = MAX_PARTICIPANTS, message = "must declare at most " + MAX_PARTICIPANTS + " participants")
        List<@NotNull @Valid ParticipantAddress> participants) {

    public static final long MIN_TIMEOUT_MS = 100;
    public static final long MAX_TIMEOUT_MS = 3_600_000;
    public static final int MAX_PARTICIPANTS = 64;

    public BeginTransactionRequest {
        // not List.copyOf: a null element must reach validation (a 400 naming it), not fail here
        participants = participants == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(participants));
    }

    public BeginTransactionRequest(Long timeoutMs) {
        this(timeoutMs, List.of());
    }
}
