package dev.verdict.bank.loadgen;

/**
 * The bank's audit ({@code GET /api/audit}): the total over every account, the total there should be, the number
 * of accounts, the number of negative balances, and whether the cut was consistent (total as expected, nothing
 * negative).
 */
public record Audit(long total, long expectedTotal, long accounts, long negative, boolean consistent) {

    public boolean holds() {
        return consistent && total == expectedTotal && negative == 0;
    }
}
