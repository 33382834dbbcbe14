package dev.verdict.bank.chaos.cluster;

import dev.verdict.bank.demo.ManagedProcess;
import dev.verdict.bank.demo.Polling;
import dev.verdict.bank.demo.ShardDatabase;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The bank as real processes for the chaos suite: coordinator JVMs ({@code java -jar coordinator-service.jar}),
 * one durable embedded PostgreSQL per shard, a shard agent JVM per shard and the gateway JVM (both from the bank
 * app), with a {@link ChaosNetwork} proxy on every coordinator-coordinator and coordinator-agent link.
 *
 * <p>It mirrors the demo's topology ({@code dev.verdict.bank.demo.DemoTopology}) but gives every node its own view
 * of the network (its own Raft peer list, agent URLs and hosts file), which the demo's shared settings cannot.
 * With {@link Spec#bank()} false it starts only the coordinators, and the "agents" are endpoints served by the test
 * itself on the given ports.
 */
public final class ChaosCluster implements AutoCloseable {

    private static final Pattern LEADER = Pattern.compile("\"leaderId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CONSISTENT = Pattern.compile("\"consistent\"\\s*:\\s*true");
    private static final Http HTTP = new Http(Duration.ofSeconds(2));

    /** Small heaps and the client JIT: many JVMs on a small machine. */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Djava.awt.headless=true");

    /**
     * What to start.
     *
     * @param externalAgentPorts without the bank: agent name to the port the test serves it on
     */
    public record Spec(int coordinators, int shards, int accounts, long initialBalance, Path workDirectory,
                       List<String> jvmOptions, Map<String, String> coordinatorProperties,
                       Map<String, String> agentProperties, Map<String, String> gatewayProperties, boolean bank,
                       Map<String, Integer> externalAgentPorts, Duration startTimeout) {

        public long expectedTotal() {
            return Math.multiplyExact(accounts, initialBalance);
        }
    }

    private final Spec spec;
    private final Path work;
    private final Ports ports = new Ports();
    private final List<String> coordinatorIds = new ArrayList<>();
    private final List<String> agentIds = new ArrayList<>();
    private final Map<String, ManagedProcess> coordinators = new LinkedHashMap<>();
    private final Map<String, ManagedProcess> agents = new LinkedHashMap<>();
    private final List<ShardDatabase> databases = new ArrayList<>();
    private final Map<String, Integer> raftPorts = new HashMap<>();
    private final Map<String, Integer> httpPorts = new HashMap<>();
    private ManagedProcess gateway;
    private ChaosNetwork network;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "chaos-cluster-shutdown");

    private ChaosCluster(Spec spec) {
        this.spec = spec;
        this.work = spec.workDirectory().toAbsolutePath();
    }

    /** Starts everything and waits until it is ready; on failure stops what it started and throws. */
    public static ChaosCluster start(Spec spec) {
        ChaosCluster cluster = new ChaosCluster(spec);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.create();
            cluster.startAll();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    public static String nodeId(int index) {
        return "n" + (index + 1);
    }

    public static String agentId(int shard) {
        return "shard-" + shard;
    }

    private void create() {
        try {
            Files.createDirectories(work.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> agentPorts = new LinkedHashMap<>();
        for (int i = 0; i < spec.coordinators(); i++) {
            String id = nodeId(i);
            coordinatorIds.add(id);
            raftPorts.put(id, ports.next());
            httpPorts.put(id, ports.next());
        }
        if (spec.bank()) {
            for (int s = 0; s < spec.shards(); s++) {
                agentIds.add(agentId(s));
                agentPorts.put(agentId(s), ports.next());
            }
        } else {
            spec.externalAgentPorts().forEach((name, port) -> {
                agentIds.add(name);
                agentPorts.put(name, port);
                ports.reserve(port);
            });
        }
        network = new ChaosNetwork(coordinatorIds, raftPorts, httpPorts, agentIds, agentPorts);
        network.links().forEach(l -> ports.reserve(l.proxy().address().getPort()));

        Path logs = work.resolve("logs");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The JVMs' temp files (Tomcat's directories) stay in the run's directory: the nemesis kills with -9.
        Path jvmTemp = work.resolve("jvm-tmp");
        try {
            Files.createDirectories(jvmTemp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String hostName = localHostName();
        for (String id : coordinatorIds) {
            Path hosts = work.resolve("coordinators").resolve("hosts-" + id);
            try {
                Files.createDirectories(hosts.getParent());
                Files.writeString(hosts, network.hostsFile(id, hostName));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(spec.jvmOptions());
            command.add("-Djava.io.tmpdir=" + jvmTemp);
            command.add("-Djdk.net.hosts.file=" + hosts);
            command.addAll(List.of("-jar", coordinatorJar().toString(),
                    "--server.port=" + httpPorts.get(id),
                    "--verdict.coordinator.node-id=" + id,
                    "--verdict.coordinator.peers=" + network.peers(id, raftPorts),
                    "--verdict.coordinator.data-dir=" + work.resolve("coordinators").resolve(id),
                    "--logging.level.org.apache.ratis=WARN"));
            command.addAll(arguments(spec.coordinatorProperties()));
            coordinators.put(id, new ManagedProcess("coordinator-" + id, "coordinator", command, Map.of(),
                    work.resolve("coordinators"), logs.resolve("coordinator-" + id + ".log"),
                    URI.create("http://127.0.0.1:" + httpPorts.get(id)), id, null));
        }
        if (!spec.bank()) {
            return;
        }
        List<String> bankLaunch = bankLaunch();
        List<String> bank = List.of("--bank.shard-count=" + spec.shards(), "--bank.accounts=" + spec.accounts(),
                "--bank.initial-balance=" + spec.initialBalance());
        for (int s = 0; s < spec.shards(); s++) {
            String id = agentId(s);
            ShardDatabase db = new ShardDatabase(s, ports.next(), work.resolve("postgres").resolve(id),
                    logs.resolve("postgres-" + s + ".log"), 100);
            databases.add(db);
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(spec.jvmOptions());
            command.add("-Djava.io.tmpdir=" + jvmTemp);
            command.addAll(bankLaunch);
            command.add("shard");
            command.addAll(bank);
            command.addAll(List.of(
                    "--server.port=" + agentPorts.get(id),
                    "--bank.shard-index=" + s,
                    "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres",
                    "--spring.datasource.username=postgres",
                    "--verdict.participant.coordinator-urls=" + String.join(",", network.coordinatorUrls(id)),
                    "--verdict.participant.advertised-url=" + network.advertisedUrl(id)));
            command.addAll(arguments(spec.agentProperties()));
            agents.put(id, new ManagedProcess("agent-" + s, "agent", command, Map.of(), work.resolve("agents"),
                    logs.resolve("agent-" + s + ".log"), URI.create("http://127.0.0.1:" + agentPorts.get(id)), null, s));
        }
        int gatewayPort = ports.next();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(spec.jvmOptions());
        command.add("-Djava.io.tmpdir=" + jvmTemp);
        command.addAll(bankLaunch);
        command.add("gateway");
        command.addAll(bank);
        command.addAll(List.of(
                "--server.port=" + gatewayPort,
                "--bank.shard-urls=" + agents.values().stream().map(a -> a.url().toString()).collect(Collectors.joining(",")),
                "--verdict.client.coordinator-urls=" + coordinatorIds.stream()
                        .map(id -> "http://127.0.0.1:" + httpPorts.get(id)).collect(Collectors.joining(","))));
        command.addAll(arguments(spec.gatewayProperties()));
        gateway = new ManagedProcess("gateway", "gateway", command, Map.of(), work.resolve("gateway"),
                logs.resolve("gateway.log"), URI.create("http://127.0.0.1:" + gatewayPort), null, null);
    }

    private void startAll() {
        Instant deadline = Instant.now().plus(spec.startTimeout());
        try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Void>> dbs = databases.stream().map(db -> CompletableFuture.runAsync(() -> {
                db.start();
                db.awaitReady(Duration.between(Instant.now(), deadline));
            }, starts)).toList();
            coordinators.values().forEach(ManagedProcess::start);
            if (gateway != null) {
                gateway.start();
            }
            join(dbs);
            agents.values().forEach(ManagedProcess::start);
            join(jvms().map(p -> CompletableFuture.runAsync(
                    () -> p.awaitHealthy(Duration.between(Instant.now(), deadline)), starts)).toList());
        }
        awaitLeader(Duration.between(Instant.now(), deadline));
        if (gateway != null) {
            awaitConsistentAudit(Duration.between(Instant.now(), deadline));
        }
    }

    private static void join(List<CompletableFuture<Void>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private static List<String> arguments(Map<String, String> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }

    /** The coordinator boot jar: {@code -Dverdict.coordinator.jar}, else the build tree next to this module. */
    static Path coordinatorJar() {
        String property = System.getProperty("verdict.coordinator.jar");
        if (property != null && !property.isBlank() && Files.isRegularFile(Path.of(property))) {
            return Path.of(property).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path target = dir.resolve("coordinator-service").resolve("target");
            if (Files.isDirectory(target)) {
                try (Stream<Path> files = Files.list(target)) {
                    Optional<Path> jar = files.filter(p -> p.getFileName().toString().matches("coordinator-service-.*\\.jar"))
                            .filter(p -> !p.getFileName().toString().matches(".*-(plain|sources|javadoc)\\.jar"))
                            .findFirst();
                    if (jar.isPresent()) {
                        return jar.get().toAbsolutePath();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("no coordinator-service jar: build it ('./mvnw -DskipTests install') "
                + "or name it with -Dverdict.coordinator.jar=<path>");
    }

    /** How to run the bank's main: its boot jar ({@code -Dbank.jar}) or this JVM's test class path. */
    static List<String> bankLaunch() {
        String jar = System.getProperty("bank.jar");
        if (jar != null && !jar.isBlank() && Files.isRegularFile(Path.of(jar))) {
            return List.of("-jar", Path.of(jar).toAbsolutePath().toString());
        }
        String classPath = System.getProperty("surefire.test.class.path");
        if (classPath == null || classPath.isBlank()) {
            classPath = System.getProperty("java.class.path");
        }
        String absolute = Stream.of(classPath.split(File.pathSeparator)).filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        return List.of("-cp", absolute, "dev.verdict.bank.BankMain");
    }

    // ---- what runs where

    public Spec spec() {
        return spec;
    }

    public Path workDirectory() {
        return work;
    }

    public ChaosNetwork network() {
        return network;
    }

    public List<String> coordinatorIds() {
        return List.copyOf(coordinatorIds);
    }

    public List<String> agentIds() {
        return List.copyOf(agentIds);
    }

    public ManagedProcess coordinator(String id) {
        return coordinators.get(id);
    }

    public Map<String, ManagedProcess> coordinators() {
        return Map.copyOf(coordinators);
    }

    public ManagedProcess agent(String id) {
        return agents.get(id);
    }

    public Map<String, ManagedProcess> agents() {
        return Map.copyOf(agents);
    }

    public ShardDatabase database(int shard) {
        return databases.get(shard);
    }

    public List<ShardDatabase> databases() {
        return List.copyOf(databases);
    }

    public ManagedProcess gateway() {
        return gateway;
    }

    public URI gatewayUrl() {
        return gateway.url();
    }

    public URI coordinatorUrl(String id) {
        return coordinators.get(id).url();
    }

    /** Every JVM: coordinators, agents, gateway. */
    public Stream<ManagedProcess> jvms() {
        Stream<ManagedProcess> all = Stream.concat(coordinators.values().stream(), agents.values().stream());
        return gateway == null ? all : Stream.concat(all, Stream.of(gateway));
    }

    // ---- conditions

    /** What {@code node} says the leader is, if it answers and knows one. */
    public Optional<String> leaderSeenBy(String node) {
        ManagedProcess process = coordinators.get(node);
        if (!process.running() || process.paused()) {
            return Optional.empty();
        }
        try {
            Http.Response response = HTTP.get(process.url().resolve("/v1/cluster"), Duration.ofSeconds(2));
            if (response.status() != 200) {
                return Optional.empty();
            }
            Matcher m = LEADER.matcher(response.body());
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The leader a majority of the coordinators name, among nodes that run and are not paused (and the leader names
     * itself), if there is one now.
     */
    public Optional<String> leader() {
        Map<String, Integer> votes = new HashMap<>();
        for (String id : coordinatorIds) {
            leaderSeenBy(id).ifPresent(l -> votes.merge(l, 1, Integer::sum));
        }
        int majority = coordinatorIds.size() / 2 + 1;
        return votes.entrySet().stream().filter(e -> e.getValue() >= majority)
                .map(Map.Entry::getKey)
                .filter(l -> coordinators.containsKey(l) && leaderSeenBy(l).filter(l::equals).isPresent())
                .findFirst();
    }

    public String awaitLeader(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<String> leader = leader();
            if (leader.isPresent()) {
                return leader.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("no leader named by a majority after " + timeout);
            }
            Polling.pause(Duration.ofMillis(250));
        }
    }

    /** Waits until the gateway's audit answers {@code consistent: true}. */
    public void awaitConsistentAudit(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer";
        while (true) {
            try {
                Http.Response audit = HTTP.get(gatewayUrl().resolve("/api/audit"), Duration.ofSeconds(30));
                last = audit.status() + " " + audit.body();
                if (audit.status() == 200 && CONSISTENT.matcher(audit.body()).find()) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the audit is not consistent after " + timeout + ": " + last);
            }
            Polling.pause(Duration.ofMillis(500));
        }
    }

    // ---- shutdown

    /** Stops every process and proxy (the work directory stays: logs). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // exiting: the hook's close returns at once
            }
        }
        try (ExecutorService stops = Executors.newVirtualThreadPerTaskExecutor()) {
            jvms().filter(p -> p != null).forEach(p -> stops.submit(p::close));
        }
        try (ExecutorService stops = Executors.newVirtualThreadPerTaskExecutor()) {
            databases.forEach(db -> stops.submit(db::close));
        }
        if (network != null) {
            network.close();
        }
    }

    /** Deletes a directory tree (the work directory once a run passed and its reports were copied out). */
    public static void deleteRecursively(Path path) {
        for (int attempt = 0; attempt < 3 && Files.exists(path); attempt++) {
            try (Stream<Path> files = Files.walk(path)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file vanished while walking: walk again
            }
        }
    }
}
