package dev.verdict.bank.problem;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A failure with a stable {@link BankError} code; answered as a problem with the given extra properties. */
public class BankException extends RuntimeException {

    private final BankError error;
    private final Map<String, Object> properties;

    public BankException(BankError error, String detail) {
        this(error, detail, Map.of(), null);
    }

    public BankException(BankError error, String detail, Map<String, ?> properties) {
        this(error, detail, properties, null);
    }

    public BankException(BankError error, String detail, Map<String, ?> properties, Throwable cause) {
        super(detail, cause);
        this.error = error;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public BankError error() {
        return error;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
