package dev.verdict.bank.shard.api;

import java.time.Instant;
import java.util.UUID;

/** One committed ledger row: account {@code accountId} moved by {@code delta} in transfer {@code transferId}. */
public record LedgerRow(UUID transferId, long accountId, int shard, long delta, long txId, Instant createdAt) {
}
