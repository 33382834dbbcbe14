package dev.verdict.bank.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --name=value} options (and {@code --flag} for true), as the bank's commands take them. A {@code bank.}
 * prefix is accepted and dropped ({@code --bank.accounts=100} is {@code --accounts=100}), so the bank's own property
 * names work too. Unknown options are an error naming the known ones.
 */
public final class CommandLine {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new LinkedHashSet<>();

    private CommandLine() {
    }

    public static CommandLine parse(String... args) {
        CommandLine line = new CommandLine();
        for (String arg : args) {
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (options are --name=value)");
            }
            String option = arg.substring(2);
            int eq = option.indexOf('=');
            String name = eq < 0 ? option : option.substring(0, eq);
            String value = eq < 0 ? "true" : option.substring(eq + 1);
            if (name.startsWith("bank.")) {
                name = name.substring("bank.".length());
            }
            line.values.put(name, value);
        }
        return line;
    }

    public boolean has(String name) {
        used.add(name);
        return values.containsKey(name);
    }

    public String string(String name, String defaultValue) {
        used.add(name);
        return values.getOrDefault(name, defaultValue);
    }

    public int integer(String name, int defaultValue) {
        String value = string(name, null);
        try {
            return value == null ? defaultValue : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + value + "'");
        }
    }

    public long longValue(String name, long defaultValue) {
        String value = string(name, null);
        try {
            return value == null ? defaultValue : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + value + "'");
        }
    }

    public double decimal(String name, double defaultValue) {
        String value = string(name, null);
        try {
            return value == null ? defaultValue : Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + value + "'");
        }
    }

    public boolean flag(String name, boolean defaultValue) {
        String value = string(name, null);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be true or false, got '" + value + "'");
        };
    }

    public Duration duration(String name, Duration defaultValue) {
        String value = string(name, null);
        return value == null ? defaultValue : parseDuration(name, value);
    }

    public List<Integer> integers(String name, List<Integer> defaultValue) {
        String value = string(name, null);
        if (value == null) {
            return defaultValue;
        }
        List<Integer> list = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                list.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a comma-separated list of integers, got '" + value + "'");
            }
        }
        return List.copyOf(list);
    }

    public List<String> strings(String name, List<String> defaultValue) {
        String value = string(name, null);
        if (value == null) {
            return defaultValue;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Fails on options nobody asked for: call after reading every option. */
    public void rejectUnknown() {
        List<String> unknown = values.keySet().stream().filter(name -> !used.contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + unknown.stream().map(n -> "--" + n).toList()
                    + "; known: " + used.stream().map(n -> "--" + n).toList());
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 1.5s}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601 ({@code PT10S}). */
    public static Duration parseDuration(String name, String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.startsWith("pt") || text.startsWith("p")) {
            return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--" + name + " must be a duration like 500ms, 10s, 2m, got '" + value + "'");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanosPerUnit = switch (unit) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        return Duration.ofNanos(Math.round(amount * nanosPerUnit));
    }
}
