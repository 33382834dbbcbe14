package dev.verdict.bank.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where the machine's CPU went while a measurement ran, from {@code /proc}: the CPU time of each group of the
 * benchmark's processes (the benchmark JVM itself, the coordinators, the agents, the gateway, the PostgreSQL
 * servers with their backends; exited processes count through their parent's reaped-children times), and what
 * the rest of the machine used (its busy time minus all of ours: other people's work). Linux only; elsewhere it
 * reports nothing (NaN).
 */
final class CpuMeter {

    /** Clock ticks per second of /proc times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    /** One reading: wall clock, the machine's busy ticks, and the ticks of each group. */
    record Sample(long nanos, long machineBusy, Map<String, Long> groups) {
    }

    /** CPU used between two samples, in cores: by each group, and by everything else ({@link #OTHERS}). */
    record Usage(Map<String, Double> cores, double seconds) {

        double others() {
            return cores.getOrDefault(OTHERS, Double.NaN);
        }

        /** Ours (every group but the others), in cores. */
        double ours() {
            return cores.entrySet().stream().filter(e -> !e.getKey().equals(OTHERS)).mapToDouble(Map.Entry::getValue).sum();
        }
    }

    static final String OTHERS = "others";
    static final String BENCH = "bench client";

    private final Map<String, Supplier<List<Long>>> groups;

    /** {@code groups}: name -> root pids whose process trees are that group (the benchmark JVM is added itself). */
    CpuMeter(Map<String, Supplier<List<Long>>> groups) {
        this.groups = new LinkedHashMap<>(groups);
    }

    Sample sample() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put(BENCH, ticks(ProcessHandle.current().pid()));
        groups.forEach((name, roots) -> {
            Set<Long> pids = new HashSet<>();
            for (long root : roots.get()) {
                Optional<ProcessHandle> handle = ProcessHandle.of(root);
                if (handle.isPresent()) {
                    pids.add(root);
                    handle.get().descendants().forEach(d -> pids.add(d.pid()));
                }
            }
            ticks.put(name, pids.stream().mapToLong(CpuMeter::ticks).sum());
        });
        return new Sample(System.nanoTime(), machineBusy(), ticks);
    }

    static Usage usage(Sample from, Sample to) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        Map<String, Double> cores = new LinkedHashMap<>();
        if (from.machineBusy() < 0 || to.machineBusy() < 0 || seconds <= 0) {
            return new Usage(cores, seconds);
        }
        double ours = 0;
        for (String group : to.groups().keySet()) {
            // a group whose process restarted in between (failover) may go backwards: count it as 0
            double used = Math.max(0, to.groups().get(group) - from.groups().getOrDefault(group, 0L)) / TICKS_PER_SECOND / seconds;
            cores.put(group, used);
            ours += used;
        }
        double busy = (to.machineBusy() - from.machineBusy()) / TICKS_PER_SECOND / seconds;
        cores.put(OTHERS, Math.max(0, busy - ours));
        return new Usage(cores, seconds);
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
