package dev.verdict.bank;

import java.util.stream.LongStream;

/**
 * Where an account lives: account {@code id} (ids {@code 1..accounts}) is on shard {@code id mod shardCount}.
 * With 2 shards, even ids are on shard 0 and odd ids on shard 1.
 */
public record Sharding(int shardCount, long accounts) {

    public Sharding {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shard count must be at least 1, not " + shardCount);
        }
        if (accounts < 1) {
            throw new IllegalArgumentException("there must be at least 1 account, not " + accounts);
        }
    }

    public boolean exists(long accountId) {
        return accountId >= 1 && accountId <= accounts;
    }

    public int shardOf(long accountId) {
        if (!exists(accountId)) {
            throw new IllegalArgumentException("no account " + accountId);
        }
        return (int) (accountId % shardCount);
    }

    /** The ids of {@code shard}'s accounts, ascending. */
    public LongStream accountsOf(int shard) {
        if (shard < 0 || shard >= shardCount) {
            throw new IllegalArgumentException("no shard " + shard + " of " + shardCount);
        }
        long first = shard == 0 ? shardCount : shard;
        return LongStream.iterate(first, id -> id <= accounts, id -> id + shardCount);
    }

    /** How many accounts {@code shard} holds. */
    public long accountCount(int shard) {
        if (shard < 0 || shard >= shardCount) {
            throw new IllegalArgumentException("no shard " + shard + " of " + shardCount);
        }
        long first = shard == 0 ? shardCount : shard;
        return first > accounts ? 0 : (accounts - first) / shardCount + 1;
    }
}
