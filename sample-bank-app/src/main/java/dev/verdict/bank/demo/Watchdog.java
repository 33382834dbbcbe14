package dev.verdict.bank.demo;

import java.io.IOException;
import java.util.Optional;

/**
 * Ends a child process when this launcher dies without cleaning up (kill -9, a killed test fork): a tiny
 * {@code sh} loop that polls both pids once a second and, if this JVM is gone, signals the child. It exits on
 * its own as soon as the child ends, and ignores Ctrl-C (the launcher's shutdown hook handles that). POSIX only;
 * elsewhere there is no watchdog and the shutdown hook is the only cleanup.
 */
final class Watchdog {

    private static final String SCRIPT = """
            trap '' INT HUP
            while kill -0 "$0" 2>/dev/null && kill -0 "$1" 2>/dev/null; do sleep 1; done
            kill -0 "$0" 2>/dev/null || kill -"$2" "$1" 2>/dev/null
            """;

    private Watchdog() {
    }

    /** Watches {@code pid}; {@code signal} (e.g. KILL, or INT for PostgreSQL's fast shutdown) ends it. */
    static Optional<Process> guard(long pid, String signal) {
        if (System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder("sh", "-c", SCRIPT, Long.toString(ProcessHandle.current().pid()),
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
