package dev.verdict.coordinator.txn;

/** Ids {@code first..last}, reserved for one node's deferred begins, live until {@code liveUntilMillis}. */
record IdBlock(long first, long last, long liveUntilMillis) {

    boolean holds(long txId) {
        return first <= txId && txId <= last;
    }
}
