package dev.verdict.bank.chaos.history;

import java.util.Map;

/** What a client was told: the completion half of an operation (possibly partial for an unknown outcome). */
public sealed interface Result {

    /**
     * A transfer's answer. On an unknown outcome the parts that are known (e.g. {@code txId} from an error body) may
     * be filled and {@code state} is null.
     */
    record Transfer(String transferId, Long txId, TxReading state, String reason) implements Result {
    }

    /** The state one status read returned ({@link TxReading#NOT_FOUND} for a 404). */
    record Status(TxReading state) implements Result {
    }

    /** The states one listing returned, by txId. */
    record ListRecent(Map<Long, TxReading> states) implements Result {
    }

    /** Balances read outside any global transaction (not a consistent cut: only their signs are checked). */
    record Balances(Map<String, Long> balances) implements Result {
    }

    /**
     * An audit's answer.
     *
     * @param balances every account's balance as the audit read it (may be empty if the gateway gives only totals)
     */
    record Audit(long total, long expectedTotal, boolean negative, boolean consistent, Map<String, Long> balances)
            implements Result {
    }
}
