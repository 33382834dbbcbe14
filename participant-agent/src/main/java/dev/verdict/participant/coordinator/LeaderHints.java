package dev.verdict.participant.coordinator;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What the coordinator nodes said about themselves and the leader, in the {@code Verdict-Node} and
 * {@code Verdict-Leader} headers of their answers: which of the client's node URLs (by index) is which node, and
 * which node leads. {@link CoordinatorCluster} tries the leader first.
 *
 * <p>A leader the client cannot reach (while the nodes still can: a partial partition) is passed over for
 * {@link #PASS_OVER_NANOS} after a failed call, so such a hint costs one failed attempt per period, not one per
 * call.
 */
final class LeaderHints {

    static final long PASS_OVER_NANOS = 5_000_000_000L;

    private final LongSupplier nanoClock;
    private final Map<String, Integer> indexOfNode = new ConcurrentHashMap<>();
    private final long[] passOverUntil;
    private volatile String leaderId;

    LeaderHints(int nodes, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.passOverUntil = new long[nodes];
        java.util.Arrays.fill(passOverUntil, nanoClock.getAsLong()); // nanoTime may be negative: not 0
    }

    /** An answer from the node at {@code index}: its own id and the leader it named (each may be null). */
    void answered(int index, String nodeId, String leader) {
        if (nodeId != null && !nodeId.isBlank()) {
            indexOfNode.put(nodeId, index);
        }
        // an answer without a leader (an election is on) drops the old hint: the old leader may be the dead one
        leaderId = leader == null || leader.isBlank() ? null : leader;
    }

    /** A call to the node at {@code index} failed (unreachable, timed out, or 503). */
    synchronized void failed(int index) {
        passOverUntil[index] = nanoClock.getAsLong() + PASS_OVER_NANOS;
    }

    /** The index of the leader's URL, when a node named a leader, the client knows its URL and may try it. */
    OptionalInt leaderIndex() {
        String leader = leaderId;
        Integer index = leader == null ? null : indexOfNode.get(leader);
        if (index == null || passedOver(index)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(index);
    }

    /** The leader named last, when the client does not know which of its URLs serves it (so it should ask). */
    Optional<String> unplacedLeader() {
        String leader = leaderId;
        return leader != null && !indexOfNode.containsKey(leader) ? Optional.of(leader) : Optional.empty();
    }

    /** Whether the id of the node at {@code index} is known. */
    boolean placed(int index) {
        return indexOfNode.containsValue(index);
    }

    private synchronized boolean passedOver(int index) {
        return nanoClock.getAsLong() - passOverUntil[index] < 0;
    }
}
