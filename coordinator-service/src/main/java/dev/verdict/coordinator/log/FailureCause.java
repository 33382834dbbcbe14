package dev.verdict.coordinator.log;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What actually failed a future: the cause under the wrappers that futures add on their way. */
public final class FailureCause {

    private FailureCause() {
    }

    public static Throwable of(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
