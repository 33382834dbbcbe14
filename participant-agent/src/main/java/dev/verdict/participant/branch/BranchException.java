package dev.verdict.participant.branch;

import dev.verdict.protocol.ErrorCode;

/**
 * A branch operation that cannot be done, with the protocol error code to answer with: e.g. work refused
 * because the transaction is no longer active (409), or phase 2 in doubt because PostgreSQL is unreachable
 * (503: retry, never read as "aborted").
 */
public class BranchException extends RuntimeException {

    private final ErrorCode code;

    public BranchException(ErrorCode code, String detail) {
        this(code, detail, null);
    }

    public BranchException(ErrorCode code, String detail, Throwable cause) {
        super(detail, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
