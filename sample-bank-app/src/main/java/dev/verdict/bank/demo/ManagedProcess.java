package dev.verdict.bank.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of the demo or the chaos suite (a coordinator node, a shard agent, the gateway): started with a
 * fixed command, ports and data directory, so {@link #restart()} brings back the same node. It can be killed
 * (SIGKILL), stopped (SIGTERM), and paused and resumed (SIGSTOP and SIGCONT: frozen, its sockets open). Output goes
 * to its log file; a {@link Signals#guard} ends it if the launcher dies without cleaning up.
 */
public final class ManagedProcess implements Controllable, AutoCloseable {

    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final String name;
    private final String kind;
    private final List<String> command;
    /** Added to the inherited environment: settings that must not show in the command line (secrets). */
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Path logFile;
    private final URI url;
    private final URI healthUrl;
    private final String nodeId;
    private final Integer shard;

    private Process process;
    private Process watchdog;
    private boolean stoppedOnPurpose;
    private boolean paused;
    private boolean closed;
    private int starts;
    private boolean healthySinceStart;
    private int failedProbes;

    /**
     * @param environment added to the inherited one
     * @param nodeId      the Raft node id of a coordinator, else null
     * @param shard       the shard of an agent, else null
     */
    public ManagedProcess(String name, String kind, List<String> command, Map<String, String> environment,
            Path workingDirectory, Path logFile, URI url, String nodeId, Integer shard) {
        this.name = name;
        this.kind = kind;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
        this.logFile = logFile;
        this.url = url;
        this.healthUrl = url.resolve("/actuator/health");
        this.nodeId = nodeId;
        this.shard = shard;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return kind;
    }

    /** The HTTP base URL, e.g. {@code http://127.0.0.1:8081}. */
    public URI url() {
        return url;
    }

    /** The Raft node id of a coordinator; null for the others. */
    public String nodeId() {
        return nodeId;
    }

    public Path logFile() {
        return logFile;
    }

    public List<String> command() {
        return command;
    }

    /** How many times it was started. */
    public synchronized int starts() {
        return starts;
    }

    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name + " was closed; it does not start again");
        }
        if (running()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(workingDirectory);
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "==== " + Instant.now() + " starting " + name + ": " + String.join(" ", command)
                    + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            process = builder
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        starts++;
        stoppedOnPurpose = false;
        paused = false;
        healthySinceStart = false;
        failedProbes = 0;
        watchdog = Signals.guard(process.pid(), "KILL").orElse(null);
    }

    @Override
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    public synchronized OptionalLong pid() {
        return running() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** The exit code of a process that ended, if it did. */
    public synchronized Optional<Integer> exitCode() {
        return process == null || process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** Whether its {@code /actuator/health} answers 200 (UP); a paused one does not. */
    public boolean healthy() {
        return running() && !paused() && Http.ok(healthUrl, HEALTH_TIMEOUT);
    }

    @Override
    public synchronized void kill() {
        stoppedOnPurpose = true;
        paused = false;
        if (process != null) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
        }
        endWatchdog();
    }

    /** SIGSTOP: the process freezes, its sockets stay open (a long GC pause, a VM stall). */
    public synchronized void pause() {
        if (!running()) {
            throw new IllegalStateException(name + " is not running");
        }
        Signals.send(process.pid(), "STOP");
        paused = true;
    }

    /** SIGCONT. */
    public synchronized void resume() {
        if (running()) {
            Signals.send(process.pid(), "CONT");
        }
        paused = false;
    }

    public synchronized boolean paused() {
        return paused && running();
    }

    /** Kills it (resumed first if paused, so that it dies now); it cannot be started again. */
    @Override
    public synchronized void close() {
        closed = true;
        if (paused) {
            resume();
        }
        kill();
    }

    /** SIGTERM, then SIGKILL if it has not ended within {@code grace}. */
    public synchronized void stop(Duration grace) {
        stoppedOnPurpose = true;
        if (paused) {
            resume(); // a stopped process does not act on SIGTERM until it runs again
        }
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!awaitExit(grace)) {
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(30));
            }
        }
        endWatchdog();
    }

    @Override
    public void stop() {
        stop(Duration.ofSeconds(10));
    }

    @Override
    public synchronized void restart() {
        if (running()) {
            kill();
        }
        start();
    }

    /** Waits until its health endpoint answers UP; fails early, with the end of its log, if it exits. */
    public void awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!healthy()) {
            if (!running()) {
                throw new IllegalStateException(name + " exited" + exitCode().map(c -> " with code " + c).orElse("")
                        + "; end of " + logFile + ":" + System.lineSeparator() + logTail(40));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " not healthy after " + timeout + "; end of " + logFile + ":"
                        + System.lineSeparator() + logTail(40));
            }
            Polling.pause(POLL_INTERVAL);
        }
    }

    @Override
    public ProcessInfo info() {
        ProcessInfo.State state;
        Long pid;
        int startCount;
        synchronized (this) {
            pid = running() ? process.pid() : null;
            startCount = starts;
            if (pid == null) {
                state = stoppedOnPurpose || process == null ? ProcessInfo.State.STOPPED : ProcessInfo.State.EXITED;
            } else {
                state = null;
            }
        }
        if (state == null) {
            state = probe();
        }
        return new ProcessInfo(name, kind, state, pid, url.toString(), nodeId, shard, startCount);
    }

    /**
     * A running process is STARTING until its health endpoint first answers UP, then UP; UNHEALTHY after two
     * failed probes in a row (one slow answer on a busy machine is not news), e.g. an agent whose database is down.
     */
    private ProcessInfo.State probe() {
        boolean healthy = Http.ok(healthUrl, PROBE_TIMEOUT);
        synchronized (this) {
            if (healthy) {
                healthySinceStart = true;
                failedProbes = 0;
                return ProcessInfo.State.UP;
            }
            failedProbes++;
            if (!healthySinceStart) {
                return ProcessInfo.State.STARTING;
            }
            return failedProbes >= 2 ? ProcessInfo.State.UNHEALTHY : ProcessInfo.State.UP;
        }
    }

    /** The last {@code lines} lines of its log. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void endWatchdog() {
        if (watchdog != null) {
            watchdog.destroyForcibly();
            watchdog = null;
        }
    }

    @Override
    public String toString() {
        return name + "(" + url + ")";
    }
}
