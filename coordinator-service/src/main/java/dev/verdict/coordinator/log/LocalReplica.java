package dev.verdict.coordinator.log;

import dev.verdict.coordinator.txn.TransactionTable;
import dev.verdict.coordinator.txn.TxCodec;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * This node's copy of the transaction table. The log applies committed entries here in order; readers take the
 * lock briefly and get immutable views. Listeners hear of each applied command after the lock is released.
 */
public final class LocalReplica {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalReplica.class);

    private final Object lock = new Object();
    private final List<LogListener> listeners = new CopyOnWriteArrayList<>();
    private TransactionTable table = new TransactionTable();

    /** Applies one log entry: its commands in order, all stamped with the entry's index and timestamp. */
    public List<TxResult> apply(TxCodec.Entry entry, long index) {
        List<TxResult> results = new ArrayList<>(entry.commands().size());
        synchronized (lock) {
            for (TxCommand command : entry.commands()) {
                results.add(table.apply(command, index, entry.timestampMillis()));
            }
        }
        for (int i = 0; i < results.size(); i++) {
            for (LogListener listener : listeners) {
                try {
                    listener.onApplied(entry.commands().get(i), results.get(i), index);
                } catch (RuntimeException e) {
                    // The entry is applied; a listener's failure must not lose its results or stall the log.
                    LOG.error("Listener failed on entry {}", index, e);
                }
            }
        }
        return results;
    }

    public <T> T read(Function<TransactionTable, T> reader) {
        synchronized (lock) {
            return reader.apply(table);
        }
    }

    public long appliedIndex() {
        synchronized (lock) {
            return table.appliedIndex();
        }
    }

    public byte[] snapshot() {
        synchronized (lock) {
            return table.toSnapshot();
        }
    }

    public void restore(byte[] snapshot) {
        TransactionTable restored = TransactionTable.fromSnapshot(snapshot);
        synchronized (lock) {
            table = restored;
        }
    }

    public void addListener(LogListener listener) {
        listeners.add(listener);
    }
}
