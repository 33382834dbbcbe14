package dev.verdict.bank.shard.api;

/** One shard's part of an audit: its accounts read under FOR SHARE, summed. */
public record AuditSlice(int shard, long accounts, long total, long negative) {
}
