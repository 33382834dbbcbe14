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
 * {@code target/chaos-runs}).</li>
 * </ul>
 */
public record ChaosConfig(long seed, Duration duration, int minFaults, int clients, int accounts, long initialBalance,
                          Path reportDirectory) {

    public boolean longRun() {
        return duration != null;
    }

    public static ChaosConfig fromSystemProperties() {
        String seed = System.getProperty("verdict.chaos.seed", "").strip();
        String duration = System.getProperty("verdict.chaos.duration", "").strip();
        return new ChaosConfig(
                seed.isEmpty() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seed),
                duration.isEmpty() ? null : parseDuration(duration),
                intProperty("verdict.chaos.faults", 20),
                intProperty("verdict.chaos.clients", 4),
                intProperty("verdict.chaos.accounts", 40),
                intProperty("verdict.chaos.initial-balance", 10_000),
                Path.of(System.getProperty("verdict.chaos.report-dir", "target/chaos-runs")));
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
