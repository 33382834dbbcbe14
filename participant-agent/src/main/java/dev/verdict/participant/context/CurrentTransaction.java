package dev.verdict.participant.context;

import java.util.OptionalLong;

/**
 * The global transaction the current thread works for: set by {@code GlobalTransactions.execute} on the client
 * side and by branch work on the participant side, read by the {@code Verdict-Tx} propagation interceptor so
 * outgoing {@code RestClient} calls carry the transaction.
 *
 * <p>A thread-local rather than a scoped value: Java 21 has scoped values only as a preview. Every scope is
 * closed in a finally block, so nothing leaks to the next task of a pooled thread.
 */
public final class CurrentTransaction {

    private static final ThreadLocal<Long> TX_ID = new ThreadLocal<>();

    private CurrentTransaction() {
    }

    public static OptionalLong txId() {
        Long txId = TX_ID.get();
        return txId == null ? OptionalLong.empty() : OptionalLong.of(txId);
    }

    /** Makes {@code txId} current until the returned scope is closed, then restores the previous one. */
    public static Scope enter(long txId) {
        Long previous = TX_ID.get();
        TX_ID.set(txId);
        return () -> {
            if (previous == null) {
                TX_ID.remove();
            } else {
                TX_ID.set(previous);
            }
        };
    }

    /** A scope that cannot fail to close. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
