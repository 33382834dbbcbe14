package dev.verdict.bank.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Settings of one chaos run, from system properties:
 *
 * <ul>
 * <li>{@code verdict.chaos.seed}: the nemesis seed (default: a random one, printed at the start);</li>
 * <li>{@code verdict.chaos.duration}: empty for the short run (at least {@code verdict.chaos.faults} faults, every
 * kind), else how much planned fault time to fill, e.g. {@code 30m}, {@code 2h}, {@code PT45M};</li>
 * <li>{@code verdict.chaos.faults}: the least number of faults (default 20);</li>
 * <li>{@code verdict.chaos.clients}: transfer client threads (default 4);</li>
 * <li>{@code verdict.chaos.accounts}, {@code verdict.chaos.initial-balance}: the bank (default 40 of 10000);</li>
 * <li>{@code verdict.chaos.report-dir}: where each run's summary, plot and history go (default
 * {@code target/chaos-runs});</li>
 * <li>{@code verdict.chaos.budget}: how long the whole run may take before it is cut short and fails (default
 * {@link #SHORT_RUN_BUDGET} for the short run, the duration plus {@link #BUDGET_BEYOND_DURATION} for a long
 * one).</li>
 * </ul>
 */
public record ChaosConfig(long seed, Duration duration, int minFaults, int clients, int accounts, long initialBalance,
                          Path reportDirectory, Duration budget) {

    /** A short run takes about 5 minutes on the 2-core machine; four times that means something hangs. */
    static final Duration SHORT_RUN_BUDGET = Duration.ofMinutes(20);
    /** Start-up, the recovery waits after the faults and the checks, around a long run's planned fault time. */
    static final Duration BUDGET_BEYOND_DURATION = Duration.ofMinutes(20);

    public boolean longRun() {
        return duration != null;
    }

    public static ChaosConfig fromSystemProperties() {
        String seed = System.getProperty("verdict.chaos.seed", "").strip();
        String durationText = System.getProperty("verdict.chaos.duration", "").strip();
        String budgetText = System.getProperty("verdict.chaos.budget", "").strip();
        Duration duration = durationText.isEmpty() ? null : parseDuration(durationText);
        Duration budget = !budgetText.isEmpty() ? parseDuration(budgetText)
                : duration == null ? SHORT_RUN_BUDGET : duration.plus(BUDGET_BEYOND_DURATION);
        return new ChaosConfig(
                seed.isEmpty() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seed),
                duration,
                intProperty("verdict.chaos.faults", 20),
                intProperty("verdict.chaos.clients", 4),
                intProperty("verdict.chaos.accounts", 40),
                intProperty("verdict.chaos.initial-balance", 10_000),
                Path.of(System.getProperty("verdict.chaos.report-dir", "target/chaos-runs")),
                budget);
    }

    private static int intProperty(String name, int fallback) {
        String value = System.getProperty(name, "").strip();
        return value.isEmpty() ? fallback : Integer.parseInt(value);
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, or ISO-8601 ({@code PT30M}). */
    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt")) {
            return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("duration '" + text + "': use 90s, 30m, 2h or PT30M");
        };
    }
}
