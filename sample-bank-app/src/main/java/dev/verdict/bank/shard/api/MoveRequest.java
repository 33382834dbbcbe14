package dev.verdict.bank.shard.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.util.UUID;

/** Body of a shard's debit and credit: which transfer the ledger row belongs to, and how much moves. */
public record MoveRequest(@NotNull UUID transferId, @Positive long amount) {
}
