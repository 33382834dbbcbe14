package dev.verdict.bank.chaos.history;

/** What a client asked for: the invocation half of an operation. */
public sealed interface Call {

    /**
     * A transfer through the gateway.
     *
     * @param key     the client's unique key for this transfer (sent as {@code Idempotency-Key})
     * @param overdraw whether the client meant it to overdraw (a hint for the summary; the outcome decides)
     */
    record Transfer(String key, String from, String to, long amount, boolean overdraw) implements Call {
    }

    /** A linearizable status read of one transaction at one coordinator node. */
    record Status(long txId, String node) implements Call {
    }

    /** A read of the newest transactions at one coordinator node (one linearizable query). */
    record ListRecent(String node, int limit) implements Call {
    }

    /** A global audit through the gateway (one read-only global transaction over every shard). */
    record Audit() implements Call {
    }

    /** A plain read of every account's balance through the gateway (each shard's latest committed values). */
    record Balances() implements Call {
    }
}
