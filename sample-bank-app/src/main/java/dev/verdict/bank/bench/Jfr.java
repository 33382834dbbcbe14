package dev.verdict.bank.bench;

import dev.verdict.bank.demo.ManagedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Java Flight Recorder on running child JVMs through {@code jcmd} (the JDK's own tool, next to the {@code java}
 * that runs them): started just before the mode to profile and dumped right after, so the recording holds that
 * mode and nothing else (no start-up, no other modes).
 */
final class Jfr {

    private static final String NAME = "verdict-bench";

    private Jfr() {
    }

    static void start(List<ManagedProcess> processes) throws IOException, InterruptedException {
        for (ManagedProcess process : processes) {
            OptionalLong pid = process.pid();
            if (pid.isPresent()) {
                // every fsync, not only those over profile's 10 ms threshold: the Raft log's forces are the latency story
                jcmd(pid.getAsLong(), "JFR.start", "name=" + NAME, "settings=profile", "jdk.FileForce#threshold=0ms");
            }
        }
    }

    /** Stops the recordings and writes one file per process into {@code directory}; returns the files. */
    static List<Path> stop(List<ManagedProcess> processes, Path directory, String label) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        List<Path> files = new ArrayList<>();
        for (ManagedProcess process : processes) {
            OptionalLong pid = process.pid();
            if (pid.isPresent()) {
                Path file = directory.toAbsolutePath().resolve(label + "-" + process.name() + ".jfr");
                jcmd(pid.getAsLong(), "JFR.stop", "name=" + NAME, "filename=" + file);
                files.add(file);
            }
        }
        return files;
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(Long.toString(pid));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        jcmd.getOutputStream().close();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", line.subList(1, line.size())) + " failed: " + output);
        }
    }
}
