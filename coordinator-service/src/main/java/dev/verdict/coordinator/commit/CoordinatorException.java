package dev.verdict.coordinator.commit;

import dev.verdict.protocol.ErrorCode;

/** A request the coordinator refuses, with the stable code the API reports. */
public class CoordinatorException extends RuntimeException {

    private final ErrorCode code;

    public CoordinatorException(ErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
