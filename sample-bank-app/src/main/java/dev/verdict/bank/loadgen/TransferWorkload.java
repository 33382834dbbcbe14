package dev.verdict.bank.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Generates the bank workload: a uniformly random source account, a uniformly random distinct destination
 * (on another shard when {@code crossShard}, the bank's rule being {@code shard = accountId mod shardCount}), and
 * a uniformly random amount in {@code [1, maxAmount]}. A share {@code overdrawShare} of the transfers asks for
 * {@code overdrawAmount} instead, chosen above the bank's whole total so that it can never be covered: those must
 * come back as insufficient funds, whatever the balances are at that moment.
 *
 * <p>Stateless apart from its configuration: the caller passes the random generator (one per client thread).
 */
public final class TransferWorkload {

    private final long[] accounts;
    private final long[][] accountsByShard;
    private final int shardCount;
    private final long maxAmount;
    private final double overdrawShare;
    private final long overdrawAmount;
    private final boolean crossShard;

    public TransferWorkload(List<Long> accountIds, int shardCount, long maxAmount, double overdrawShare,
            long overdrawAmount, boolean crossShard) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be at least 1");
        }
        if (maxAmount < 1) {
            throw new IllegalArgumentException("maxAmount must be at least 1");
        }
        if (overdrawShare < 0 || overdrawShare > 1) {
            throw new IllegalArgumentException("overdraw share must be in [0, 1], got " + overdrawShare);
        }
        if (overdrawShare > 0 && overdrawAmount < 1) {
            throw new IllegalArgumentException("overdrawAmount must be positive");
        }
        this.accounts = accountIds.stream().mapToLong(Long::longValue).distinct().toArray();
        if (accounts.length < 2) {
            throw new IllegalArgumentException("the workload needs at least 2 accounts, got " + accounts.length);
        }
        this.shardCount = shardCount;
        this.maxAmount = maxAmount;
        this.overdrawShare = overdrawShare;
        this.overdrawAmount = overdrawAmount;
        this.crossShard = crossShard;
        List<List<Long>> byShard = new ArrayList<>();
        for (int s = 0; s < shardCount; s++) {
            byShard.add(new ArrayList<>());
        }
        for (long id : accounts) {
            byShard.get(shardOf(id, shardCount)).add(id);
        }
        this.accountsByShard = byShard.stream().map(l -> l.stream().mapToLong(Long::longValue).toArray()).toArray(long[][]::new);
        if (crossShard) {
            long populated = byShard.stream().filter(l -> !l.isEmpty()).count();
            if (populated < 2) {
                throw new IllegalArgumentException("cross-shard transfers need accounts on at least 2 shards");
            }
        }
    }

    /** The bank's sharding rule. */
    public static int shardOf(long accountId, int shardCount) {
        return (int) Math.floorMod(accountId, (long) shardCount);
    }

    /** Accounts 1..count (the bank's seeded ids). */
    public static List<Long> accountRange(long first, int count) {
        List<Long> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(first + i);
        }
        return ids;
    }

    public int shardOf(long accountId) {
        return shardOf(accountId, shardCount);
    }

    public Transfer next(RandomGenerator random) {
        long from = accounts[random.nextInt(accounts.length)];
        long to = pickDestination(from, random);
        boolean overdraw = overdrawShare > 0 && random.nextDouble() < overdrawShare;
        long amount = overdraw ? overdrawAmount : 1 + random.nextLong(maxAmount);
        return new Transfer(from, to, amount, overdraw);
    }

    /** A transfer whose two accounts are on the same shard (the shard of a random source): the local reference. */
    public Transfer nextSameShard(RandomGenerator random) {
        while (true) {
            long from = accounts[random.nextInt(accounts.length)];
            long[] sameShard = accountsByShard[shardOf(from)];
            if (sameShard.length < 2) {
                continue;
            }
            long to;
            do {
                to = sameShard[random.nextInt(sameShard.length)];
            } while (to == from);
            return new Transfer(from, to, 1 + random.nextLong(maxAmount), false);
        }
    }

    private long pickDestination(long from, RandomGenerator random) {
        if (!crossShard) {
            long to;
            do {
                to = accounts[random.nextInt(accounts.length)];
            } while (to == from);
            return to;
        }
        int fromShard = shardOf(from);
        while (true) {
            int shard = random.nextInt(shardCount);
            if (shard == fromShard || accountsByShard[shard].length == 0) {
                continue;
            }
            long[] candidates = accountsByShard[shard];
            return candidates[random.nextInt(candidates.length)];
        }
    }
}
