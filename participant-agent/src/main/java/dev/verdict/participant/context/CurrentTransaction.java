package dev.verdict.participant.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The global transaction the current thread works for: set by {@code GlobalTransactions.execute} on the client
 * side and by branch work on the participant side, read by the {@code Verdict-Tx} propagation interceptor so
 * outgoing {@code RestClient} calls carry the transaction (and the coordinator's seal on its declared
 * participants, when there is one), and the signed votes participants answer on calls marked
 * {@code Verdict-Prepare} are collected for the commit.
 *
 * <p>A thread-local rather than a scoped value: Java 21 has scoped values only as a preview. Every scope is
 * closed in a finally block, so nothing leaks to the next task of a pooled thread.
 */
public final class CurrentTransaction {

    private record Current(long txId, String declaration, List<String> votes) {
    }

    private static final ThreadLocal<Current> CURRENT = new ThreadLocal<>();

    private CurrentTransaction() {
    }

    public static OptionalLong txId() {
        Current current = CURRENT.get();
        return current == null ? OptionalLong.empty() : OptionalLong.of(current.txId());
    }

    /** The coordinator's seal on the current transaction's declared participants, if there is one. */
    public static Optional<String> declaration() {
        Current current = CURRENT.get();
        return current == null ? Optional.empty() : Optional.ofNullable(current.declaration());
    }

    /**
     * Keeps a participant's signed vote for the current transaction's commit; nothing happens when no transaction
     * is current.
     */
    public static void addVote(String vote) {
        Current current = CURRENT.get();
        if (current != null) {
            current.votes().add(vote);
        }
    }

    /** The signed votes collected for the current transaction so far (empty when none is current). */
    public static List<String> votes() {
        Current current = CURRENT.get();
        return current == null ? List.of() : List.copyOf(current.votes());
    }

    /** Makes {@code txId} current until the returned scope is closed, then restores the previous one. */
    public static Scope enter(long txId) {
        return enter(txId, null);
    }

    /** Like {@link #enter(long)}, with the seal on the declared participants ({@code null}: none). */
    public static Scope enter(long txId, String declaration) {
        Current previous = CURRENT.get();
        CURRENT.set(new Current(txId, declaration, new ArrayList<>()));
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
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
