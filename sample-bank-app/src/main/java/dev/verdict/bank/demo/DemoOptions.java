package dev.verdict.bank.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The demo launcher's command line.
 *
 * @param duration   run unattended for this long, then stop (null: until Ctrl-C)
 * @param dataRoot   where this run's data goes (null: a temp directory deleted at exit)
 * @param gatewayPort the gateway's port; 8080 by default, a free one if 8080 is taken, 0 = always a free one
 */
record DemoOptions(int coordinators, int shards, int accounts, long initialBalance, int gatewayPort, Duration duration,
        Path dataRoot, boolean help) {

    static final String USAGE = """
            usage: java -jar sample-bank-app.jar demo [options]
              --duration=<60s|5m|...>   run unattended for that long, then stop everything (default: until Ctrl-C)
              --port=<port>             the gateway's port (default 8080, or a free one if 8080 is taken; 0 = free)
              --data-dir=<dir>          keep this run's data and logs in <dir> (wiped at the next run; default:
                                        a temp directory, deleted at exit)
              --accounts=<n>            accounts (default 100)
              --initial-balance=<n>     each account's starting balance in minor units (default 10000)
              --shards=<n>              PostgreSQL shards (default 2)
              --coordinators=<n>        coordinator nodes (default 3)""";

    static DemoOptions parse(String... args) {
        int coordinators = 3;
        int shards = 2;
        int accounts = 100;
        long initialBalance = 10_000;
        int port = 8080;
        Duration duration = null;
        Path dataRoot = null;
        boolean help = false;
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("not an option: " + arg);
            }
            String name = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (name) {
                case "duration" -> duration = duration(value);
                case "port" -> port = Integer.parseInt(value);
                case "data-dir" -> dataRoot = Path.of(value);
                case "accounts" -> accounts = Integer.parseInt(value);
                case "initial-balance" -> initialBalance = Long.parseLong(value);
                case "shards" -> shards = Integer.parseInt(value);
                case "coordinators" -> coordinators = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        return new DemoOptions(coordinators, shards, accounts, initialBalance, port, duration, dataRoot, help);
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms}, or ISO-8601 ({@code PT1M}). */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            throw new IllegalArgumentException("not a duration: " + text + " (try 60s, 5m)");
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: " + text + " (try 60s, 5m)");
        }
    }
}
