package dev.verdict.bank.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * How much CPU the rest of the machine used while a measurement ran: the machine's busy time ({@code /proc/stat})
 * minus the CPU time of the benchmark's own processes (this JVM and its children, and the PostgreSQL servers with
 * their backends, which are not children: {@code pg_ctl} detaches them), from {@code /proc/<pid>/stat}. Exited
 * processes count through their parent's reaped-children times. Linux only; elsewhere it reports nothing.
 */
final class CpuMeter {

    /** Clock ticks per second of /proc times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    /** One reading: wall clock, the machine's busy ticks, and the ticks of our own processes. */
    record Sample(long nanos, long machineBusy, long ours) {
    }

    private final Supplier<List<Long>> roots;

    /** {@code roots}: pids whose process trees are the benchmark's own (besides this JVM's tree). */
    CpuMeter(Supplier<List<Long>> roots) {
        this.roots = roots;
    }

    Sample sample() {
        return new Sample(System.nanoTime(), machineBusy(), ours());
    }

    /** CPU used by everything else between two samples, in cores (e.g. 0.4 of 2); NaN when unknown. */
    static double othersCores(Sample from, Sample to) {
        if (from.machineBusy() < 0 || to.machineBusy() < 0) {
            return Double.NaN;
        }
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        double busy = (to.machineBusy() - from.machineBusy()) / TICKS_PER_SECOND;
        double ours = (to.ours() - from.ours()) / TICKS_PER_SECOND;
        return seconds <= 0 ? Double.NaN : Math.max(0, busy - ours) / seconds;
    }

    private static long machineBusy() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private long ours() {
        Set<Long> pids = new HashSet<>();
        Stream.concat(Stream.of(ProcessHandle.current()), roots.get().stream()
                        .map(ProcessHandle::of).flatMap(java.util.Optional::stream))
                .forEach(root -> {
                    pids.add(root.pid());
                    root.descendants().forEach(d -> pids.add(d.pid()));
                });
        long total = 0;
        for (long pid : pids) {
            total += ticks(pid);
        }
        return total;
    }

    /** utime + stime + cutime + cstime of one process (its own time and that of the children it reaped). */
    static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
            // after "pid (comm) ": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0; // gone, or not Linux
        }
    }
}
