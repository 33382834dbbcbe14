package dev.verdict.bank.shard.api;

/** The shard agent's bank endpoints, relative to its base URL (the 2PC endpoints are under /verdict/). */
public final class ShardPaths {

    public static final String ACCOUNTS = "/shard/accounts";
    public static final String ACCOUNT = ACCOUNTS + "/{id}";
    public static final String DEBIT = ACCOUNT + "/debit";
    public static final String CREDIT = ACCOUNT + "/credit";
    public static final String AUDIT = "/shard/audit";
    public static final String LEDGER = "/shard/ledger";

    private ShardPaths() {
    }
}
