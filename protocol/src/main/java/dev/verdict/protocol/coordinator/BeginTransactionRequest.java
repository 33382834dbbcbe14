package dev.verdict.protocol.coordinator;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Body of {@code POST /v1/transactions}. A null timeout takes the coordinator's default. */
public record BeginTransactionRequest(
        @Min(value = MIN_TIMEOUT_MS, message = "must be at least " + MIN_TIMEOUT_MS + " ms")
        @Max(value = MAX_TIMEOUT_MS, message = "must be at most " + MAX_TIMEOUT_MS + " ms")
        Long timeoutMs) {

    public static final long MIN_TIMEOUT_MS = 100;
    public static final long MAX_TIMEOUT_MS = 3_600_000;
}
