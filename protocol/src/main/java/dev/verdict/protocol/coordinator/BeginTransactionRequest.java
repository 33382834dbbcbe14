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
 *
 * <p>{@code deferred} (optional, default false) asks for a deferred begin: answered without a log write, the
 * Begin is logged with the transaction's commit or abort instead, which must then carry the declared participants
 * and the declaration seal ({@link CommitRequest}, {@link AbortRequest}). Granted only with participants declared,
 * no Idempotency-Key, a timeout of at most {@link #MAX_DEFERRED_TIMEOUT_MS} and coordinators that seal
 * declarations; otherwise the begin is logged as usual, and {@link TransactionBegun#deferred()} says which.
 * Participants not declared cannot join a deferred transaction, and until its commit or abort is logged a
 * status read of it logs an ABORT first (docs/protocol.md, "Deferred begins").
 */
public record BeginTransactionRequest(
        @Min(value = MIN_TIMEOUT_MS, message = "must be at least " + MIN_TIMEOUT_MS + " ms")
        @Max(value = MAX_TIMEOUT_MS, message = "must be at most " + MAX_TIMEOUT_MS + " ms")
        Long timeoutMs,
        @Size(max = MAX_PARTICIPANTS, message = "must declare at most " + MAX_PARTICIPANTS + " participants")
        List<@NotNull @Valid ParticipantAddress> participants,
        Boolean deferred) {

    public static final long MIN_TIMEOUT_MS = 100;
    public static final long MAX_TIMEOUT_MS = 3_600_000;
    public static final long MAX_DEFERRED_TIMEOUT_MS = 60_000;
    public static final int MAX_PARTICIPANTS = 64;

    public BeginTransactionRequest {
        // not List.copyOf: a null element must reach validation (a 400 naming it), not fail here
        participants = participants == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(participants));
    }

    public BeginTransactionRequest(Long timeoutMs, List<ParticipantAddress> participants) {
        this(timeoutMs, participants, null);
    }

    public BeginTransactionRequest(Long timeoutMs) {
        this(timeoutMs, List.of());
    }

    /** Whether the client asked for a deferred begin. */
    public boolean wantsDeferred() {
        return Boolean.TRUE.equals(deferred);
    }
}
