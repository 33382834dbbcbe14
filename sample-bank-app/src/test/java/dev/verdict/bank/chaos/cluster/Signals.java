package dev.verdict.bank.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** POSIX signals to child processes, and a watchdog that ends a child if this JVM dies without cleaning up. */
final class Signals {

    private static final String WATCHDOG = """
            trap '' INT HUP TERM
            while kill -0 "$0" 2>/dev/null && kill -0 "$1" 2>/dev/null; do sleep 1; done
            kill -0 "$0" 2>/dev/null || { kill -CONT "$1" 2>/dev/null; kill -"$2" "$1" 2>/dev/null; }
            """;

    private Signals() {
    }

    static void send(long pid, String signal) {
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

    /** Watches {@code pid}: if this JVM goes away first, {@code signal} ends it (a stopped one is resumed first). */
    static Process watchdog(long pid, String signal) {
        try {
            Process process = new ProcessBuilder("sh", "-c", WATCHDOG, Long.toString(ProcessHandle.current().pid()),
                    Long.toString(pid), signal)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            process.getOutputStream().close();
            return process;
        } catch (IOException e) {
            return null;
        }
    }

    /** The poll interval of a condition wait. */
    static void pause(Duration interval) {
        try {
            Thread.sleep(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
