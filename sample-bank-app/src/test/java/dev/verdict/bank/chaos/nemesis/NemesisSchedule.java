package dev.verdict.bank.chaos.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The nemesis's plan, made from a seed: the same seed and spec always give the same faults in the same order with
 * the same timings and choices. Faults run one after another; every kind of the spec comes once (in a seeded order)
 * before any kind comes twice, so even a short schedule covers them all.
 */
public record NemesisSchedule(long seed, Spec spec, List<Fault> faults) {

    /**
     * What to plan.
     *
     * @param faultsFor how much planned fault time (gaps and holds) to fill at least
     * @param minFaults how many faults at least
     * @param kinds     the kinds to draw from
     */
    public record Spec(Duration faultsFor, int minFaults, Duration minGap, Duration maxGap, Duration minHold,
                       Duration maxHold, Duration minDelay, Duration maxDelay, Set<FaultKind> kinds) {

        public Spec {
            kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
            if (kinds.isEmpty()) {
                throw new IllegalArgumentException("no fault kinds");
            }
            if (minGap.compareTo(maxGap) > 0 || minHold.compareTo(maxHold) > 0 || minDelay.compareTo(maxDelay) > 0) {
                throw new IllegalArgumentException("a minimum above its maximum: " + this);
            }
        }

        /** The short run of {@code ./mvnw verify}: every kind, at least {@code minFaults} faults. */
        public static Spec shortRun(int minFaults) {
            return new Spec(Duration.ZERO, minFaults, Duration.ofSeconds(2), Duration.ofSeconds(5),
                    Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ofMillis(20), Duration.ofMillis(250),
                    EnumSet.allOf(FaultKind.class));
        }

        /** A long run filling {@code duration} with faults. */
        public static Spec longRun(Duration duration) {
            return new Spec(duration, FaultKind.values().length, Duration.ofSeconds(3), Duration.ofSeconds(12),
                    Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofMillis(20), Duration.ofMillis(400),
                    EnumSet.allOf(FaultKind.class));
        }
    }

    public static NemesisSchedule generate(long seed, Spec spec) {
        SplittableRandom random = new SplittableRandom(seed);
        List<FaultKind> firstRound = new ArrayList<>(spec.kinds());
        Collections.shuffle(firstRound, new Random(random.nextLong()));
        List<FaultKind> all = List.copyOf(spec.kinds());
        List<Fault> faults = new ArrayList<>();
        long planned = 0;
        while (faults.size() < spec.minFaults() || planned < spec.faultsFor().toMillis()
                || faults.size() < firstRound.size()) {
            int seq = faults.size() + 1;
            FaultKind kind = seq <= firstRound.size() ? firstRound.get(seq - 1) : all.get(random.nextInt(all.size()));
            long gap = between(random, spec.minGap(), spec.maxGap());
            long hold = between(random, spec.minHold(), spec.maxHold());
            long choice = random.nextLong();
            long delay = between(random, spec.minDelay(), spec.maxDelay());
            faults.add(new Fault(seq, kind, gap, hold, choice, kind == FaultKind.LINK_DELAY ? delay : 0));
            planned += gap + hold;
        }
        return new NemesisSchedule(seed, spec, List.copyOf(faults));
    }

    private static long between(SplittableRandom random, Duration min, Duration max) {
        long lo = min.toMillis();
        long hi = max.toMillis();
        return lo == hi ? lo : random.nextLong(lo, hi + 1);
    }

    /** Planned time of gaps and holds (the run takes longer: restarts and recovery waits come on top). */
    public Duration plannedDuration() {
        return Duration.ofMillis(faults.stream().mapToLong(f -> f.gapMillis() + f.holdMillis()).sum());
    }

    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("nemesis schedule, seed ").append(seed).append(": ").append(faults.size()).append(" faults, ")
                .append(plannedDuration().toSeconds()).append(" s planned\n");
        faults.forEach(f -> text.append("  ").append(f).append('\n'));
        return text.toString();
    }
}
