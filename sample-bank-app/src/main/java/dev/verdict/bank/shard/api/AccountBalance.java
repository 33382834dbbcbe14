package dev.verdict.bank.shard.api;

/** One account's balance in minor units, and the shard that holds it. */
public record AccountBalance(long id, int shard, long balance) {
}
