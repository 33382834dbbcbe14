package dev.verdict.bank.chaos.cluster;

import dev.verdict.bank.demo.Signals;
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
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of the chaos topology (a coordinator node, a shard agent, the gateway), started with a fixed command so
 * a restart brings back the same node on the same ports and data. It can be killed with SIGKILL, paused with
 * SIGSTOP and resumed with SIGCONT. Its output is appended to its log file; a watchdog ends it if the test JVM dies
 * without cleaning up.
 */
public final class JvmProcess implements AutoCloseable {

    private static final Http HTTP = new Http(Duration.ofSeconds(2));

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final URI url;
    private Process process;
    private Process watchdog;
    private boolean paused;
    private boolean closed;
    private int starts;

    public JvmProcess(String name, List<String> command, Path logFile, URI url) {
        this.name = name;
        this.command = List.copyOf(command);
        this.logFile = logFile;
        this.url = url;
    }

    public String name() {
        return name;
    }

    public URI url() {
        return url;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized int starts() {
        return starts;
    }

    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name + " was closed with its cluster; it does not start again");
        }
        if (running()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "==== " + Instant.now() + " starting " + name + ": " + String.join(" ", command)
                    + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        starts++;
        paused = false;
        watchdog = Signals.guard(process.pid(), "KILL").orElse(null);
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    public synchronized boolean paused() {
        return paused && running();
    }

    public synchronized OptionalLong pid() {
        return running() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** {@code kill -9}, and waits until it is gone. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        paused = false;
        endWatchdog();
    }

    /** SIGSTOP: the process freezes, its sockets stay open. */
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

    /** Whether {@code /actuator/health} answers 200. */
    public boolean healthy() {
        if (!running() || paused()) {
            return false;
        }
        try {
            return HTTP.get(url.resolve("/actuator/health"), Duration.ofSeconds(2)).status() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until healthy; fails at once, with the end of its log, if it exits. */
    public void awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!healthy()) {
            if (!running()) {
                throw new IllegalStateException(name + " exited; end of " + logFile + ":\n" + logTail(60));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " not healthy after " + timeout + "; end of " + logFile + ":\n"
                        + logTail(60));
            }
            Polling.pause(Duration.ofMillis(250));
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void endWatchdog() {
        if (watchdog != null) {
            watchdog.destroyForcibly();
            watchdog = null;
        }
    }

    /** Resumes it if paused, then kills it; it cannot be started again. */
    @Override
    public synchronized void close() {
        closed = true;
        if (paused) {
            resume();
        }
        kill();
    }

    @Override
    public String toString() {
        return name + "(" + url + ")";
    }
}
