package dev.verdict.bank.loadgen;

/**
 * One transfer the workload asks for: {@code amount} minor units from account {@code from} to account {@code to}.
 * {@code overdraw} marks a transfer made to exceed every balance on purpose (it must be refused).
 */
public record Transfer(long from, long to, long amount, boolean overdraw) {

    public Transfer {
        if (from == to) {
            throw new IllegalArgumentException("a transfer needs two accounts, got " + from + " twice");
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive, got " + amount);
        }
    }

    /** The account with the smaller id: branch work is issued in account-id order (no cross-shard deadlocks). */
    public long firstAccount() {
        return Math.min(from, to);
    }

    public long secondAccount() {
        return Math.max(from, to);
    }
}
