package dev.verdict.participant.branch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded memory of the transactions whose branch ended on this agent, and how. It keeps the agent from
 * opening a second branch for a transaction it has already prepared or aborted (whose first branch's work would
 * silently be missing), from preparing a transaction it has seen aborted, and lets duplicate messages get the
 * answer the first one got. Bounded (oldest forgotten first): after that, PostgreSQL's pg_prepared_xacts and the
 * coordinator (which refuses enlists once commit has started or the transaction timed out) still decide.
 */
public final class EndedTransactions {

    /** How a branch ended here. */
    public enum Ending {
        ABORTED,
        PREPARED,
        READ_ONLY,
        COMMITTED
    }

    private final Map<Long, Ending> endings;

    public EndedTransactions(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.endings = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Ending> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records how txId ended. COMMITTED is final: a late abort must not make the agent forget a commit. */
    public synchronized void record(long txId, Ending ending) {
        if (endings.get(txId) == Ending.COMMITTED) {
            return;
        }
        endings.remove(txId); // re-insert: the newest ending is the last to be forgotten
        endings.put(txId, ending);
    }

    public synchronized Optional<Ending> get(long txId) {
        return Optional.ofNullable(endings.get(txId));
    }

    public synchronized int size() {
        return endings.size();
    }
}
