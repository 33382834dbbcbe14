package dev.verdict.bank.chaos;

import dev.verdict.bank.chaos.cluster.ChaosCluster;
import dev.verdict.bank.demo.ManagedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time a chaos run may take. Every wait of the run is bounded, but a bound can be missed (a call the harness
 * did not expect to block, a child that stops answering); then this watchdog makes the run end instead of the fork
 * being killed without a word: it prints the seed and the phase the run was in, writes the threads of this JVM and
 * of every child JVM into the report directory, closes the cluster (so every call blocked on it fails) and
 * interrupts the run's thread. The run then fails with {@link #overrunMessage()}.
 */
final class RunBudget implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunBudget.class);

    private final Duration budget;
    private final long seed;
    private final Path reportDirectory;
    private final Thread runner;
    private final Thread watchdog;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile String phase = "starting";
    private volatile ChaosCluster cluster;
    private volatile String overrun;

    RunBudget(Duration budget, long seed, Path reportDirectory) {
        this.budget = budget;
        this.seed = seed;
        this.reportDirectory = reportDirectory;
        this.runner = Thread.currentThread();
        this.watchdog = Thread.ofPlatform().name("chaos-run-budget-" + seed).daemon().start(this::awaitBudget);
    }

    /** Says (in the log, which the chaos execution prints on the console a CI log keeps) what the run does next. */
    void phase(String next) {
        phase = next;
        log.info("chaos run, seed {}: {}", seed, next);
    }

    /** The cluster to dump and close if the budget runs out. */
    void watch(ChaosCluster running) {
        this.cluster = running;
    }

    /** Why the run was cut short, or null when it was not. */
    String overrunMessage() {
        return overrun;
    }

    private void awaitBudget() {
        try {
            if (done.await(budget.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            return;
        }
        overrun = "the chaos run of seed " + seed + " overran its budget of " + budget + " in phase '" + phase
                + "' (rerun: -Dverdict.chaos.seed=" + seed + "); thread dumps in " + reportDirectory;
        log.error(overrun);
        dumpThreads();
        ChaosCluster stuck = cluster;
        if (stuck != null) {
            stuck.close();
        }
        runner.interrupt();
    }

    private void dumpThreads() {
        StringBuilder own = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            appendStack(own, thread.getKey(), thread.getValue());
        }
        write("threads-test-jvm.txt", own.toString());
        // the run's own thread shows what it waited for: worth having on the console too
        log.error("the run's thread:\n{}", appendStack(new StringBuilder(), runner, runner.getStackTrace()));
        ChaosCluster stuck = cluster;
        if (stuck != null) {
            stuck.jvms().forEach(this::dumpChild);
        }
    }

    private static StringBuilder appendStack(StringBuilder out, Thread thread, StackTraceElement[] frames) {
        out.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
        for (StackTraceElement frame : frames) {
            out.append("    at ").append(frame).append('\n');
        }
        return out.append('\n');
    }

    private void dumpChild(ManagedProcess process) {
        OptionalLong pid = process.pid();
        if (pid.isEmpty() || process.paused()) {
            return; // a stopped JVM cannot answer jcmd
        }
        Path file = reportDirectory.resolve("threads-" + process.name() + ".txt");
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(pid.getAsLong()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!dump.waitFor(30, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
            }
        } catch (IOException e) {
            log.warn("no thread dump of {}: {}", process.name(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(String name, String text) {
        try {
            Files.createDirectories(reportDirectory);
            Files.writeString(reportDirectory.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot write {}: {}", name, e.toString());
        }
    }

    /**
     * The run ended (in time or not): the watchdog stands down, or, if it had already begun to cut the run short,
     * finishes first, so its interrupt cannot reach the run's thread after this returns.
     */
    @Override
    public void close() {
        done.countDown();
        try {
            watchdog.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
