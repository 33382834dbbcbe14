package dev.verdict.bank.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The whole bank on this machine, as real processes: N coordinator nodes ({@code java -jar coordinator-service.jar}),
 * one embedded PostgreSQL per shard, a shard agent JVM per shard and the gateway JVM (both from the bank jar),
 * on free ports, with data under one directory. Used by the demo launcher, the end-to-end tests and the
 * benchmark; each process can be killed and restarted through its handle.
 *
 * <pre>{@code
 * try (DemoTopology bank = DemoTopology.start(TopologySpec.builder().build())) {
 *     bank.gatewayUrl();                    // POST /api/transfers, GET /api/audit, the page
 *     bank.awaitLeader(Duration.ofSeconds(30)).kill();
 *     bank.database(0).kill();              // a PostgreSQL crash; restart() brings it back
 * }                                         // every process stopped, temp data deleted
 * }</pre>
 *
 * <p>Processes are started in parallel; {@link #start} returns once every one is healthy, the coordinators
 * agree on a leader and the gateway's audit finds every seeded account. {@link #close()} stops everything (and
 * a shutdown hook does too, if the JVM exits first); a watchdog per process ends it if this JVM is killed.
 */
public final class DemoTopology implements AutoCloseable {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Pattern LEADER = Pattern.compile("\"leaderId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CONSISTENT = Pattern.compile("\"consistent\"\\s*:\\s*true");

    private final TopologySpec spec;
    private final Path dataDirectory;
    private final boolean ownsDataDirectory;
    private final List<ManagedProcess> coordinators = new ArrayList<>();
    private final List<ShardDatabase> databases = new ArrayList<>();
    private final List<ManagedProcess> agents = new ArrayList<>();
    private ManagedProcess gateway;
    private ControlServer control;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "demo-topology-shutdown");

    private DemoTopology(TopologySpec spec, Path dataDirectory, boolean ownsDataDirectory) {
        this.spec = spec;
        this.dataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
    }

    /** Starts everything and waits until it is ready; on failure stops what it started and throws. */
    public static DemoTopology start(TopologySpec spec) {
        Path java = Artifacts.java();
        Path coordinatorJar = Artifacts.coordinatorJar(spec.coordinatorJar());
        List<String> bankLaunch = Artifacts.bankLaunch(spec.bankJar());
        Path dataDirectory;
        boolean owned = spec.dataDirectory() == null;
        try {
            dataDirectory = owned ? Files.createTempDirectory("verdict-demo") : spec.dataDirectory().toAbsolutePath();
            Files.createDirectories(dataDirectory.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DemoTopology topology = new DemoTopology(spec, dataDirectory, owned);
        Runtime.getRuntime().addShutdownHook(topology.shutdownHook);
        try {
            topology.create(java, coordinatorJar, bankLaunch);
            topology.startAll();
            return topology;
        } catch (RuntimeException | Error e) {
            topology.close();
            throw e;
        }
    }

    private void create(Path java, Path coordinatorJar, List<String> bankLaunch) {
        int n = spec.coordinators();
        int s = spec.shards();
        boolean fixedGateway = spec.gatewayPort() > 0;
        List<Integer> ports = FreePorts.distinct(2 * n + 2 * s + (fixedGateway ? 0 : 1) + 1);
        int next = 0;
        List<Integer> raftPorts = ports.subList(next, next += n);
        List<Integer> coordinatorPorts = ports.subList(next, next += n);
        List<Integer> pgPorts = ports.subList(next, next += s);
        List<Integer> agentPorts = ports.subList(next, next += s);
        int gatewayPort = fixedGateway ? spec.gatewayPort() : ports.get(next++);
        int controlPort = ports.get(next);

        String peers = IntStream.range(0, n).mapToObj(i -> nodeId(i) + "=127.0.0.1:" + raftPorts.get(i))
                .collect(Collectors.joining(","));
        String coordinatorUrls = coordinatorPorts.stream().map(p -> "http://127.0.0.1:" + p).collect(Collectors.joining(","));
        Path logs = dataDirectory.resolve("logs");
        // In the environment, not the command line: the command line is written to each process's log.
        String declarationKey = spec.declarationSeals() ? randomDeclarationKey() : null;
        Map<String, String> coordinatorEnvironment = declarationKey == null ? Map.of()
                : Map.of("VERDICT_COORDINATOR_DECLARATIONKEY", declarationKey);
        Map<String, String> agentEnvironment = declarationKey == null ? Map.of()
                : Map.of("VERDICT_PARTICIPANT_DECLARATIONKEY", declarationKey);

        for (int i = 0; i < n; i++) {
            String id = nodeId(i);
            List<String> command = javaCommand(java, List.of("-jar", coordinatorJar.toString()));
            command.addAll(List.of(
                    "--server.port=" + coordinatorPorts.get(i),
                    "--verdict.coordinator.node-id=" + id,
                    "--verdict.coordinator.peers=" + peers,
                    "--verdict.coordinator.data-dir=" + dataDirectory.resolve("coordinators").resolve(id),
                    "--logging.level.org.apache.ratis=WARN"));
            command.addAll(arguments(spec.coordinatorProperties()));
            coordinators.add(new ManagedProcess("coordinator-" + id, "coordinator", command, coordinatorEnvironment,
                    dataDirectory.resolve("coordinators"), logs.resolve("coordinator-" + id + ".log"),
                    URI.create("http://127.0.0.1:" + coordinatorPorts.get(i)), id, null));
        }
        List<String> bank = List.of(
                "--bank.shard-count=" + s,
                "--bank.accounts=" + spec.accounts(),
                "--bank.initial-balance=" + spec.initialBalance());
        for (int i = 0; i < s; i++) {
            databases.add(new ShardDatabase(i, pgPorts.get(i), dataDirectory.resolve("postgres").resolve("shard-" + i),
                    logs.resolve("postgres-" + i + ".log"), spec.maxConnections()));
            List<String> command = javaCommand(java, bankLaunch);
            command.add("shard");
            command.addAll(bank);
            command.addAll(List.of(
                    "--server.port=" + agentPorts.get(i),
                    "--bank.shard-index=" + i,
                    "--spring.datasource.url=jdbc:postgresql://localhost:" + pgPorts.get(i) + "/postgres",
                    "--spring.datasource.username=postgres",
                    "--verdict.participant.coordinator-urls=" + coordinatorUrls,
                    "--verdict.participant.advertised-url=http://127.0.0.1:" + agentPorts.get(i)));
            command.addAll(arguments(spec.shardProperties()));
            agents.add(new ManagedProcess("agent-" + i, "agent", command, agentEnvironment, dataDirectory.resolve("agents"),
                    logs.resolve("agent-" + i + ".log"), URI.create("http://127.0.0.1:" + agentPorts.get(i)), null, i));
        }
        if (spec.controlApi()) {
            control = new ControlServer(this, controlPort);
        }
        List<String> command = javaCommand(java, bankLaunch);
        command.add("gateway");
        command.addAll(bank);
        command.addAll(List.of(
                "--server.port=" + gatewayPort,
                "--bank.shard-urls=" + agents.stream().map(a -> a.url().toString()).collect(Collectors.joining(",")),
                "--verdict.client.coordinator-urls=" + coordinatorUrls));
        if (control != null) {
            command.add("--bank.demo.control-url=" + control.url());
        }
        command.addAll(arguments(spec.gatewayProperties()));
        gateway = new ManagedProcess("gateway", "gateway", command, Map.of(), dataDirectory.resolve("gateway"),
                logs.resolve("gateway.log"), URI.create("http://localhost:" + gatewayPort), null, null);
    }

    private void startAll() {
        Instant deadline = Instant.now().plus(spec.startTimeout());
        try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Void>> databaseStarts = databases.stream()
                    .map(db -> CompletableFuture.runAsync(db::start, starts)).toList();
            coordinators.forEach(this::startUnlessClosed);
            startUnlessClosed(gateway);
            join(databaseStarts);
            agents.forEach(this::startUnlessClosed); // their Flyway migration needs the database
            List<CompletableFuture<Void>> healthy = jvms().map(p -> CompletableFuture.runAsync(
                    () -> p.awaitHealthy(Duration.between(Instant.now(), deadline)), starts)).toList();
            join(healthy);
        }
        awaitLeader(Duration.between(Instant.now(), deadline));
        awaitConsistentAudit(Duration.between(Instant.now(), deadline));
    }

    /** A Ctrl-C during start closes the topology concurrently: nothing may be started after that. */
    private void startUnlessClosed(ManagedProcess process) {
        if (closed.get()) {
            throw new IllegalStateException("the topology was closed while starting");
        }
        process.start();
    }

    private static void join(List<CompletableFuture<Void>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private List<String> javaCommand(Path java, List<String> launch) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(spec.jvmOptions());
        // Each JVM's temp files (Tomcat's base and docbase directories) go with the topology's data, not to /tmp,
        // where a process stopped with kill -9 would leave them.
        command.add("-Djava.io.tmpdir=" + childTempDirectory());
        command.addAll(launch);
        return command;
    }

    private Path childTempDirectory() {
        Path temp = dataDirectory.resolve("jvm-tmp");
        try {
            Files.createDirectories(temp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return temp;
    }

    private static List<String> arguments(Map<String, String> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
    }

    /** A fresh secret per topology, shared by its coordinators and agents: 32 random bytes, base64url. */
    private static String randomDeclarationKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    private static String nodeId(int index) {
        return "n" + (index + 1);
    }

    // ---- what runs where

    public TopologySpec spec() {
        return spec;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public long expectedTotal() {
        return spec.expectedTotal();
    }

    public URI gatewayUrl() {
        return gateway.url();
    }

    /** The launcher's control API (kill/restart), if {@link TopologySpec#controlApi()}. */
    public Optional<URI> controlUrl() {
        return Optional.ofNullable(control).map(ControlServer::url);
    }

    public List<ManagedProcess> coordinators() {
        return List.copyOf(coordinators);
    }

    /** The coordinator with Raft node id {@code nodeId} ({@code n1}, {@code n2}, ...). */
    public ManagedProcess coordinator(String nodeId) {
        return coordinators.stream().filter(c -> c.nodeId().equals(nodeId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no coordinator node " + nodeId));
    }

    public List<URI> coordinatorUrls() {
        return coordinators.stream().map(ManagedProcess::url).toList();
    }

    public List<ManagedProcess> agents() {
        return List.copyOf(agents);
    }

    public ManagedProcess agent(int shard) {
        return agents.get(shard);
    }

    public List<URI> agentUrls() {
        return agents.stream().map(ManagedProcess::url).toList();
    }

    public List<ShardDatabase> databases() {
        return List.copyOf(databases);
    }

    public ShardDatabase database(int shard) {
        return databases.get(shard);
    }

    public ManagedProcess gateway() {
        return gateway;
    }

    /** Every process: coordinators, databases, agents, gateway. */
    public List<Controllable> processes() {
        List<Controllable> all = new ArrayList<>(coordinators);
        all.addAll(databases);
        all.addAll(agents);
        if (gateway != null) {
            all.add(gateway);
        }
        return all;
    }

    public Optional<Controllable> process(String name) {
        return processes().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private Stream<ManagedProcess> jvms() {
        return Stream.concat(Stream.concat(coordinators.stream(), agents.stream()), Stream.of(gateway));
    }

    // ---- conditions

    /** The leader's node id as a running coordinator reports it, if one answers and knows a leader. */
    public Optional<String> leaderId() {
        for (ManagedProcess node : coordinators) {
            if (!node.running()) {
                continue;
            }
            Optional<String> leader = Http.get(node.url().resolve("/v1/cluster"), Duration.ofSeconds(1))
                    .filter(r -> r.statusCode() == 200)
                    .map(HttpResponse::body)
                    .map(LEADER::matcher)
                    .filter(Matcher::find)
                    .map(m -> m.group(1));
            if (leader.isPresent()) {
                return leader;
            }
        }
        return Optional.empty();
    }

    /** Waits until every running coordinator names the same running leader, and returns it. */
    public ManagedProcess awaitLeader(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<Optional<String>> views = coordinators.stream().filter(ManagedProcess::running)
                    .map(node -> Http.get(node.url().resolve("/v1/cluster"), Duration.ofSeconds(1))
                            .filter(r -> r.statusCode() == 200)
                            .map(HttpResponse::body)
                            .map(LEADER::matcher)
                            .filter(Matcher::find)
                            .map(m -> m.group(1)))
                    .toList();
            List<String> distinct = views.stream().map(v -> v.orElse(null)).distinct().toList();
            if (!views.isEmpty() && distinct.size() == 1 && distinct.getFirst() != null) {
                ManagedProcess leader = coordinator(distinct.getFirst());
                if (leader.running()) {
                    return leader;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the coordinators agree on no leader after " + timeout + " (views: " + views + ")");
            }
            Polling.pause(POLL_INTERVAL);
        }
    }

    /** Waits until the gateway's {@code GET /api/audit} answers {@code consistent: true}. */
    public void awaitConsistentAudit(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer";
        while (true) {
            Optional<HttpResponse<String>> audit = Http.get(gatewayUrl().resolve("/api/audit"), Duration.ofSeconds(20));
            if (audit.isPresent()) {
                last = audit.get().statusCode() + " " + audit.get().body();
                if (audit.get().statusCode() == 200 && CONSISTENT.matcher(audit.get().body()).find()) {
                    return;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the audit is not consistent after " + timeout + ": " + last);
            }
            Polling.pause(POLL_INTERVAL);
        }
    }

    // ---- shutdown

    /**
     * Stops every process (JVMs with SIGTERM, then SIGKILL after 10 s; PostgreSQL with a fast shutdown) and
     * deletes the data directory if it was a temp directory. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // a concurrent caller (the shutdown hook) waited for the first close to finish
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting; the hook runs close() too, which returns at once
            }
        }
        if (control != null) {
            control.close();
        }
        try (ExecutorService stops = Executors.newVirtualThreadPerTaskExecutor()) {
            List<ManagedProcess> jvms = new ArrayList<>(coordinators);
            jvms.addAll(agents);
            if (gateway != null) {
                jvms.add(gateway);
            }
            jvms.forEach(p -> stops.submit(() -> p.stop(Duration.ofSeconds(10))));
        }
        try (ExecutorService stops = Executors.newVirtualThreadPerTaskExecutor()) {
            databases.forEach(db -> stops.submit(db::stop));
        }
        if (ownsDataDirectory) {
            deleteRecursively(dataDirectory);
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
}
