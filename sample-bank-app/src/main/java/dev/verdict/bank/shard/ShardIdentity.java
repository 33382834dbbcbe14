package dev.verdict.bank.shard;

/** Which shard this agent serves: {@code index} of {@code count}. */
public record ShardIdentity(int index, int count) {

    public ShardIdentity {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("bank.shard-index must be in 0.." + (count - 1) + " (bank.shard-count="
                    + count + "), not " + index);
        }
    }
}
