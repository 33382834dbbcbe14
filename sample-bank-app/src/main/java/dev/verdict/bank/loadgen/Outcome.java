package dev.verdict.bank.loadgen;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What became of one transfer. {@link Kind#ERROR} carries a short, stable {@code detail} naming the kind of error
 * (e.g. {@code http-503:NO_QUORUM}, {@code timeout}, {@code connect}, {@code sql-40001}) so errors can be counted
 * by kind. {@code txId} is the global (or local) transaction id when one is known, else -1.
 */
public record Outcome(Kind kind, String detail, long txId) {

    public enum Kind {
        COMMITTED, ABORTED, INSUFFICIENT_FUNDS, ERROR
    }

    public static final Outcome COMMITTED = new Outcome(Kind.COMMITTED, "", -1);
    public static final Outcome ABORTED = new Outcome(Kind.ABORTED, "", -1);
    public static final Outcome INSUFFICIENT_FUNDS = new Outcome(Kind.INSUFFICIENT_FUNDS, "", -1);

    public Outcome {
        detail = detail == null ? "" : detail;
    }

    public static Outcome committed(long txId) {
        return new Outcome(Kind.COMMITTED, "", txId);
    }

    public static Outcome aborted(long txId, String reason) {
        return new Outcome(Kind.ABORTED, reason, txId);
    }

    public static Outcome insufficientFunds(long txId) {
        return new Outcome(Kind.INSUFFICIENT_FUNDS, "", txId);
    }

    public static Outcome error(String kind) {
        return new Outcome(Kind.ERROR, kind, -1);
    }

    /** An HTTP answer that is none of the expected ones: {@code http-<status>} plus the problem code if any. */
    public static Outcome httpError(int status, String problemCode) {
        return error(problemCode == null || problemCode.isBlank() ? "http-" + status : "http-" + status + ":" + problemCode);
    }

    /** Classifies an exception thrown while doing a transfer into an error kind. */
    public static Outcome error(Throwable failure) {
        return error(errorKind(failure));
    }

    static String errorKind(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof HttpConnectTimeoutException) {
            return "connect-timeout";
        }
        if (t instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (t instanceof ConnectException) {
            return "connect";
        }
        if (t instanceof SQLException sql) {
            return sql.getSQLState() == null ? "sql" : "sql-" + sql.getSQLState();
        }
        if (t instanceof IOException) {
            return "io:" + t.getClass().getSimpleName();
        }
        Throwable cause = t.getCause();
        if (cause != null && cause != t && (cause instanceof IOException || cause instanceof SQLException)) {
            return errorKind(cause);
        }
        return t.getClass().getSimpleName();
    }

    public boolean isError() {
        return kind == Kind.ERROR;
    }

    /** The key outcomes are counted under: the kind, or {@code error:<detail>} for errors. */
    public String key() {
        return kind == Kind.ERROR ? "error:" + detail : kind.name();
    }
}
