package dev.verdict.bank.gateway.account;

import dev.verdict.bank.shard.api.AccountBalance;
import java.util.List;

/**
 * A page of accounts in id order. Balances are each shard's latest committed values (read outside any global
 * transaction, so a transfer may show on one shard before the other: the audit is the consistent view).
 * Accounts of shards that did not answer are missing and their shards listed in {@code unavailableShards}.
 */
public record AccountPage(List<AccountBalance> accounts, long offset, int limit, long totalAccounts,
        List<Integer> unavailableShards) {
}
