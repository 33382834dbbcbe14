package dev.verdict.bank.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * POSIX signals to child processes ({@code kill -<signal>}, which {@link ProcessHandle} cannot send beyond TERM
 * and KILL), and a watchdog that ends a child when this JVM dies without cleaning up (kill -9, a killed test fork).
 *
 * <p>The watchdog is a tiny {@code sh} loop that polls both pids once a second and, if this JVM is gone, signals
 * the child, resuming it first in case it was stopped (SIGSTOP). It exits on its own as soon as the child ends,
 * and ignores Ctrl-C and TERM (this JVM's shutdown hook handles those). POSIX only; elsewhere there is no
 * watchdog and the shutdown hook is the only cleanup.
 */
public final class Signals {

    private static final String WATCHDOG = """
            trap '' INT HUP TERM
            while kill -0 "$0" 2>/dev/null && kill -0 "$1" 2>/dev/null; do sleep 1; done
            kill -0 "$0" 2>/dev/null || { kill -CONT "$1" 2>/dev/null; kill -"$2" "$1" 2>/dev/null; }
            """;

    private Signals() {
    }

    /** {@code kill -<signal> <pid>}, e.g. STOP, CONT, or QUIT for PostgreSQL's immediate shutdown. */
    public static void send(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Watches {@code pid}; {@code signal} (e.g. KILL, or INT for PostgreSQL's fast shutdown) ends it. */
    public static Optional<Process> guard(long pid, String signal) {
        if (System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder("sh", "-c", WATCHDOG, Long.toString(ProcessHandle.current().pid()),
                    Long.toString(pid), signal)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            process.getOutputStream().close();
            return Optional.of(process);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
