package dev.verdict.bank.shard.api;

import java.util.UUID;

/** A debit ({@code delta < 0}) or credit done in the transaction's branch, not yet committed. */
public record MoveResult(long accountId, UUID transferId, long delta, long txId) {
}
