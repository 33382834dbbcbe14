package dev.verdict.bank.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * {@code java -jar sample-bank-app.jar demo}: the whole bank on this machine (see {@link DemoTopology}), its URLs
 * printed, process state changes and leader changes reported as they happen. Ctrl-C, or the end of
 * {@code --duration}, stops every process it started.
 */
public final class DemoLauncher {

    private static final String MARKER = ".verdict-demo";
    private static final String PID_FILE = "launcher.pid";
    private static final PrintStream out = System.out;
    private static final AtomicBoolean stopping = new AtomicBoolean();

    private DemoLauncher() {
    }

    public static void main(String... args) throws InterruptedException {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            out.println(DemoOptions.USAGE);
            return;
        }
        Path data;
        try {
            data = dataDirectory(options.dataRoot());
        } catch (IllegalStateException | UncheckedIOException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        boolean temporary = options.dataRoot() == null;
        LauncherLogging.toFile(data.resolve("logs").resolve("launcher.log"));
        int port = options.gatewayPort();
        if (port == 8080 && !FreePorts.isFree(8080)) {
            out.println("Port 8080 is taken; the gateway gets a free port instead (or choose one with --port=).");
            port = 0;
        }
        TopologySpec spec = TopologySpec.builder()
                .coordinators(options.coordinators())
                .shards(options.shards())
                .accounts(options.accounts())
                .initialBalance(options.initialBalance())
                .gatewayPort(port)
                .dataDirectory(data)
                .controlApi(true)
                .build();

        AtomicReference<DemoTopology> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            out.println();
            out.println(time() + "Stopping every process ...");
            Optional.ofNullable(running.get()).ifPresent(DemoTopology::close);
            if (temporary) {
                deleteRecursively(data);
            }
            out.println(time() + "Stopped. No process of the demo is left running.");
        }, "demo-stop"));

        out.printf("%sStarting the Verdict bank demo: %d coordinator nodes, %d PostgreSQL shards with their agents, "
                + "the gateway (data and logs in %s) ...%n", time(), spec.coordinators(), spec.shards(), data);
        out.println(time() + "This takes a minute or two on a small machine.");
        DemoTopology topology;
        try {
            topology = DemoTopology.start(spec);
        } catch (RuntimeException e) {
            if (!stopping.get()) {
                System.err.println(time() + "The demo did not start: " + e.getMessage());
                System.err.println("Logs: " + data.resolve("logs"));
                System.exit(1);
            }
            return;
        }
        running.set(topology);
        banner(topology, options, temporary);
        Thread monitor = Thread.ofPlatform().daemon().name("demo-monitor").start(() -> monitor(topology));

        if (options.duration() == null) {
            Thread.currentThread().join(); // until Ctrl-C: the shutdown hook stops everything
            return;
        }
        Thread.sleep(options.duration().toMillis()); // unattended mode: the run's length, not a condition wait
        monitor.interrupt();
        String audit = Http.get(topology.gatewayUrl().resolve("/api/audit"), Duration.ofSeconds(30))
                .map(r -> r.statusCode() + " " + r.body()).orElse("no answer");
        out.println(time() + "Run time of " + human(options.duration()) + " is over. Final audit: " + audit);
        System.exit(audit.startsWith("200 ") && audit.contains("\"consistent\":true") ? 0 : 1);
    }

    private static void banner(DemoTopology topology, DemoOptions options, boolean temporary) {
        URI gateway = topology.gatewayUrl();
        String leader = topology.leaderId().orElse("?");
        out.println();
        out.println("Verdict bank demo is running.");
        out.println();
        out.printf("  Gateway page      %s/%n", gateway);
        out.printf("  API docs          %s/swagger-ui.html   (OpenAPI: %s/v3/api-docs)%n", gateway, gateway);
        for (ManagedProcess node : topology.coordinators()) {
            out.printf("  Coordinator %-5s %s/   (console)%s%n", node.nodeId(), node.url(),
                    node.nodeId().equals(leader) ? "   <- leader" : "");
        }
        for (int shard = 0; shard < topology.spec().shards(); shard++) {
            out.printf("  Shard %d agent     %s   PostgreSQL %s%n", shard, topology.agent(shard).url(),
                    topology.database(shard).jdbcUrl());
        }
        topology.controlUrl().ifPresent(url -> out.printf("  Control API       %s/processes   (POST /processes/<name>/kill|restart)%n", url));
        out.printf("  Data and logs     %s%s%n", topology.dataDirectory(), temporary ? "   (deleted at exit)" : "");
        out.println();
        String audit = Http.get(gateway.resolve("/api/audit"), Duration.ofSeconds(20)).map(HttpResponse::body).orElse("?");
        out.printf("  %d accounts x %d = %d expected total. Audit now: %s%n", topology.spec().accounts(),
                topology.spec().initialBalance(), topology.expectedTotal(), audit);
        out.println();
        out.println("Open the gateway page, move money, start the random transfers, and kill the leader with its");
        out.println("Kill button: transfers continue under a new leader and the audit total holds.");
        if (options.duration() == null) {
            out.println("Press Ctrl-C to stop everything.");
        } else {
            out.println("Running unattended: everything stops by itself after " + human(options.duration()) + " (--duration).");
        }
        out.println();
    }

    /** Reports process state changes and leader changes until interrupted. */
    private static void monitor(DemoTopology topology) {
        Map<String, ProcessInfo.State> states = new HashMap<>();
        topology.processes().forEach(p -> states.put(p.name(), ProcessInfo.State.UP));
        String leader = topology.leaderId().orElse(null);
        while (!Thread.currentThread().isInterrupted() && !stopping.get()) {
            try {
                Thread.sleep(1000); // the report's cadence
            } catch (InterruptedException e) {
                return;
            }
            for (Controllable process : topology.processes()) {
                ProcessInfo info = process.info();
                ProcessInfo.State before = states.put(info.name(), info.state());
                if (before != info.state() && !stopping.get()) {
                    out.println(time() + info.name() + " is " + info.state()
                            + (info.pid() == null ? "" : " (pid " + info.pid() + ")"));
                }
            }
            String now = topology.leaderId().orElse(null);
            if (now != null && !now.equals(leader) && !stopping.get()) {
                out.println(time() + "coordinator " + now + " is the leader now");
            }
            if (now != null) {
                leader = now;
            }
        }
    }

    /** The run's data directory: a new temp directory, or {@code root} emptied (only if an earlier demo made it). */
    private static Path dataDirectory(Path root) {
        try {
            if (root == null) {
                return Files.createTempDirectory("verdict-demo");
            }
            Path dir = root.toAbsolutePath();
            Path pidFile = dir.resolve(PID_FILE);
            if (Files.exists(pidFile)) {
                String recorded = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
                long pid = recorded.matches("\\d{1,18}") ? Long.parseLong(recorded) : -1;
                if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new IllegalStateException("another demo (pid " + pid + ") runs with data in " + dir
                            + "; stop it first, or choose another --data-dir");
                }
            }
            if (Files.isDirectory(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    List<Path> content = entries.toList();
                    if (!content.isEmpty() && !Files.exists(dir.resolve(MARKER))) {
                        throw new IllegalStateException(dir + " is not empty and was not made by the demo; choose another --data-dir");
                    }
                }
                deleteRecursively(dir);
            }
            Files.createDirectories(dir.resolve("logs"));
            Files.writeString(dir.resolve(MARKER), "data of a Verdict bank demo run; the next run deletes it\n");
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path path) {
        for (int attempt = 0; attempt < 3 && Files.exists(path); attempt++) {
            try (Stream<Path> files = Files.walk(path)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file vanished while walking: walk again
            }
        }
    }

    private static String human(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + " min" : duration.toMillis() % 1000 == 0
                ? seconds + " s" : duration.toMillis() + " ms";
    }

    private static String time() {
        return LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss ")) ;
    }
}
