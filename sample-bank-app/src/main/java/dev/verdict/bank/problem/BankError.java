package dev.verdict.bank.problem;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The stable {@code code} of every problem (RFC 9457) the bank answers with, gateway and shard alike. Clients
 * switch on the code; title and detail are for people. Documented in docs/bank-app.md.
 */
public enum BankError {
    VALIDATION_FAILED(400, "Request is not valid"),
    MALFORMED_REQUEST(400, "Request body cannot be read"),
    INVALID_AMOUNT(400, "Amount must be a positive whole number of minor units"),
    SAME_ACCOUNT(400, "A transfer needs two different accounts"),
    ACCOUNT_NOT_FOUND(404, "Account not found"),
    INSUFFICIENT_FUNDS(409, "Insufficient funds"),
    /** Shard-internal: this transfer's leg is already committed (an Idempotency-Key retry); the gateway answers 200. */
    DUPLICATE_TRANSFER(409, "Transfer already applied"),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency key was used for another transfer"),
    /** Shard-internal: the audit's row locks were not granted in time; the gateway retries. */
    LOCK_TIMEOUT(409, "Rows are locked by other transactions"),
    NOT_IN_DEMO(404, "Process control exists only in the demo"),
    NOT_FOUND(404, "Resource not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    COORDINATOR_UNAVAILABLE(503, "No coordinator node answered"),
    SHARD_UNAVAILABLE(503, "A shard cannot be reached"),
    AUDIT_UNAVAILABLE(503, "No consistent cut could be taken"),
    DEMO_CONTROL_UNAVAILABLE(503, "The demo launcher's control API cannot be reached"),
    OUTCOME_UNKNOWN(504, "Outcome not known yet"),
    INTERNAL_ERROR(500, "Internal error");

    private final int status;
    private final String title;

    BankError(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI type() {
        return URI.create("https://verdict.dev/problems/bank/" + name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    public static Optional<BankError> parse(String code) {
        if (code == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(code));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    /** The generic code for an HTTP status that no specific code describes. */
    public static BankError forStatus(int status) {
        return switch (status) {
            case 400 -> VALIDATION_FAILED;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            default -> INTERNAL_ERROR;
        };
    }
}
