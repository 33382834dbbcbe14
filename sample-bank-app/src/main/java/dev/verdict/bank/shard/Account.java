package dev.verdict.bank.shard;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code accounts}: the balance in minor units, never negative. */
@Table("accounts")
public record Account(@Id long id, long balance) {
}
