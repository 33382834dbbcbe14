package dev.verdict.bank.chaos.nemesis;

/**
 * One planned fault. Which process or link it hits is decided when it is injected (the leader is whoever leads
 * then), but every choice is made from {@code choice}, a number fixed by the seed, so one seed always makes the same
 * choices in the same situation.
 *
 * @param seq         its position in the schedule, from 1
 * @param kind        what it does
 * @param gapMillis   quiet time before it starts (after the previous fault healed)
 * @param holdMillis  how long it lasts before it is healed (restart, reconnect, SIGCONT)
 * @param choice      random bits that pick the target(s): a follower, an agent, a shard, the split, the links
 * @param delayMillis for {@link FaultKind#LINK_DELAY}: the delay per chunk; 0 otherwise
 */
public record Fault(int seq, FaultKind kind, long gapMillis, long holdMillis, long choice, long delayMillis) {

    /** Picks one of {@code n} candidates from the choice bits ({@code salt} draws independent picks). */
    public int pick(int n, int salt) {
        if (n <= 0) {
            throw new IllegalArgumentException("nothing to pick from");
        }
        long mixed = new java.util.SplittableRandom(choice ^ (0x9E3779B97F4A7C15L * (salt + 1))).nextLong();
        return (int) Math.floorMod(mixed, (long) n);
    }

    /** A yes/no choice from the choice bits. */
    public boolean flip(int salt) {
        return pick(2, salt) == 1;
    }

    @Override
    public String toString() {
        return String.format("#%d %s after %d ms for %d ms%s (choice %016x)", seq, kind, gapMillis, holdMillis,
                delayMillis > 0 ? ", delay " + delayMillis + " ms" : "", choice);
    }
}
