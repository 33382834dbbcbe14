package dev.verdict.bank.gateway.audit;

import dev.verdict.bank.shard.api.AuditSlice;
import java.util.List;

/**
 * A consistent cut of every shard, read in one committed global transaction {@code txId}: {@code total} of all
 * balances against {@code expectedTotal} (accounts × initial balance), the number of {@code accounts} read and
 * of {@code negative} balances. {@code consistent} = the total is conserved, no balance is negative, every
 * account was seen.
 */
public record AuditReport(long total, long expectedTotal, long accounts, long negative, boolean consistent,
        long txId, List<AuditSlice> shards) {

    public static AuditReport of(long txId, List<AuditSlice> slices, long expectedTotal, long expectedAccounts) {
        long total = 0;
        long accounts = 0;
        long negative = 0;
        for (AuditSlice slice : slices) {
            total = Math.addExact(total, slice.total());
            accounts += slice.accounts();
            negative += slice.negative();
        }
        boolean consistent = total == expectedTotal && negative == 0 && accounts == expectedAccounts;
        return new AuditReport(total, expectedTotal, accounts, negative, consistent, txId, List.copyOf(slices));
    }
}
