package dev.verdict.bank.gateway;

import dev.verdict.bank.problem.BankError;
import java.util.Map;
import java.util.Optional;

/**
 * A shard call that did not succeed: the shard's problem ({@code status}, {@code code}, extra properties), or
 * SHARD_UNAVAILABLE (status 503) when it could not be reached or did not answer in time.
 */
public class ShardFailure extends RuntimeException {

    private final int shard;
    private final int status;
    private final String code;
    private final Map<String, Object> properties;

    public ShardFailure(int shard, int status, String code, String detail, Map<String, Object> properties, Throwable cause) {
        super(detail, cause);
        this.shard = shard;
        this.status = status;
        this.code = code;
        this.properties = Map.copyOf(properties);
    }

    public int shard() {
        return shard;
    }

    public int status() {
        return status;
    }

    /** The problem's {@code code}: a {@link BankError} name, or a participant code such as TRANSACTION_NOT_ACTIVE. */
    public String code() {
        return code;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    public Optional<BankError> bankError() {
        return BankError.parse(code);
    }

    public boolean is(BankError error) {
        return error.name().equals(code);
    }

    /** A failure's message, or its type when it has none (a refused connection says nothing else). */
    public static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
