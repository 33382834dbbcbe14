package dev.verdict.bank.chaos.check;

import java.util.List;
import java.util.Map;

/**
 * What the databases hold after the run, read directly from every shard once the faults stopped and recovery had
 * its time.
 *
 * @param balances     every account's balance
 * @param ledger       every ledger row (one per debit and per credit, written in the transfer's branch)
 * @param preparedGids every {@code pg_prepared_xacts} GID, read at least 30 s after the last fault ended
 */
public record FinalState(Map<String, Long> balances, List<LedgerRow> ledger, List<String> preparedGids) {

    /** One ledger row: the transfer it belongs to, the account, the signed amount, and the global transaction. */
    public record LedgerRow(String transferId, String accountId, long delta, long txId) {
    }
}
