package dev.verdict.bank.shard;

import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code ledger}: one leg (debit or credit) of one transfer. */
@Table("ledger")
public record LedgerEntry(@Id Long id, UUID transferId, long accountId, long delta, long txId, Instant createdAt) {
}
