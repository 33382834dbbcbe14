package dev.verdict.coordinator.txn;

/** A read of the table; answered from a replica that is known to be up to date (linearizable). */
public sealed interface TxQuery {

    /** One transaction, if the table holds it. */
    record Get(long txId) implements TxQuery {
    }

    /** The newest transactions still held (undecided, or decided and not yet forgotten). */
    record Recent(int limit) implements TxQuery {
        public Recent {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must not be negative");
            }
        }
    }
}
