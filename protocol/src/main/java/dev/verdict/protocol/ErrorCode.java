package dev.verdict.protocol;

import java.net.URI;
import java.util.Locale;

/**
 * Stable machine-readable error codes, sent as the {@code code} member of RFC 9457 problem details.
 * Clients switch on the code; the title and detail are for people.
 */
public enum ErrorCode {
    VALIDATION_FAILED(400, "Request is not valid"),
    MALFORMED_REQUEST(400, "Request body cannot be read"),
    TRANSACTION_NOT_FOUND(404, "Transaction not found"),
    TRANSACTION_NOT_ACTIVE(409, "Transaction is no longer active"),
    TRANSACTION_ALREADY_COMMITTED(409, "Transaction already committed"),
    TRANSACTION_ALREADY_ABORTED(409, "Transaction already aborted"),
    IDEMPOTENCY_KEY_CONFLICT(409, "Idempotency key was used with different parameters"),
    ID_LEASES_DISABLED(409, "The coordinators hand out no id leases (they have no declaration key)"),
    DECISION_PENDING(504, "No decision yet; read the transaction status"),
    NO_QUORUM(503, "Coordinator cluster has no leader or quorum"),
    COORDINATOR_OVERLOADED(503, "Coordinator node has too many requests waiting"),
    BRANCH_NOT_FOUND(404, "Branch not found"),
    BRANCH_IN_DOUBT(409, "Branch is prepared and waits for the coordinator's decision"),
    PARTICIPANT_UNAVAILABLE(503, "Participant cannot serve the request now"),
    NOT_FOUND(404, "Resource not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    INTERNAL_ERROR(500, "Internal error");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The problem {@code type}: a stable URI naming the error, documented in docs/api.md. */
    public URI type() {
        return URI.create("https://verdict.dev/problems/" + name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
}
