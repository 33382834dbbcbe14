package dev.verdict.bank.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the benchmark ran on: cores, memory, JDK, OS, and the load average (other work on the machine). */
final class Machine {

    private Machine() {
    }

    static String describe() {
        long memory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return String.format(Locale.ROOT, "%d cores, %s RAM, JDK %s (%s), %s %s; load average %s",
                Runtime.getRuntime().availableProcessors(),
                memory < 0 ? "?" : String.format(Locale.ROOT, "%.1f GiB", memory / (1024.0 * 1024 * 1024)),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.version"), loadAverage());
    }

    /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or what the JVM knows. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
        }
    }
}
