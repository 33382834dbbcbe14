package dev.verdict.bank.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link DemoTopology#start} starts. Build one with {@link #builder()}; the defaults are the README's demo:
 * 3 coordinator nodes, 2 shards, 100 accounts of 10000 minor units each.
 *
 * @param coordinators          number of coordinator nodes (Raft group size)
 * @param shards                number of PostgreSQL shards, each with its agent
 * @param accounts              total accounts, ids 1..accounts ({@code bank.accounts})
 * @param initialBalance        each account's seeded balance ({@code bank.initial-balance})
 * @param dataDirectory         where databases, Raft logs and process logs go; null = a new temp directory,
 *                              deleted by {@link DemoTopology#close()}
 * @param gatewayPort           the gateway's HTTP port; 0 = a free one
 * @param controlApi            whether to serve the kill/restart control API (the page's buttons use it)
 * @param declarationSeals      whether coordinators and agents share a (random) declaration key, so agents
 *                              declared at begin open their branches without an enlist call
 * @param jvmOptions            options of every child JVM (heap, GC, JIT)
 * @param coordinatorProperties extra {@code --name=value} settings of every coordinator node (by default a
 *                              1-2 s election timeout, see the builder)
 * @param shardProperties       extra settings of every shard agent
 * @param gatewayProperties     extra settings of the gateway
 * @param coordinatorJar        coordinator-service boot jar; null = found by {@link Artifacts#coordinatorJar}
 * @param bankJar               sample-bank-app boot jar; null = found by {@link Artifacts#bankLaunch}
 * @param maxConnections        each PostgreSQL's max_connections (and max_prepared_transactions)
 * @param startTimeout          how long start() waits for everything to be healthy
 */
public record TopologySpec(
        int coordinators,
        int shards,
        int accounts,
        long initialBalance,
        Path dataDirectory,
        int gatewayPort,
        boolean controlApi,
        boolean declarationSeals,
        List<String> jvmOptions,
        Map<String, String> coordinatorProperties,
        Map<String, String> shardProperties,
        Map<String, String> gatewayProperties,
        Path coordinatorJar,
        Path bankJar,
        int maxConnections,
        Duration startTimeout) {

    /** Small heaps and the client JIT: seven JVMs start quickly on a laptop (a benchmark should override this). */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    public TopologySpec {
        if (coordinators < 1 || shards < 1 || accounts < 1 || initialBalance < 0) {
            throw new IllegalArgumentException("need at least 1 coordinator, 1 shard, 1 account and a balance >= 0");
        }
        jvmOptions = List.copyOf(jvmOptions);
        coordinatorProperties = Map.copyOf(coordinatorProperties);
        shardProperties = Map.copyOf(shardProperties);
        gatewayProperties = Map.copyOf(gatewayProperties);
    }

    public long expectedTotal() {
        return Math.multiplyExact(accounts, initialBalance);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.coordinators = coordinators;
        b.shards = shards;
        b.accounts = accounts;
        b.initialBalance = initialBalance;
        b.dataDirectory = dataDirectory;
        b.gatewayPort = gatewayPort;
        b.controlApi = controlApi;
        b.declarationSeals = declarationSeals;
        b.jvmOptions = jvmOptions;
        b.coordinatorProperties.putAll(coordinatorProperties);
        b.shardProperties.putAll(shardProperties);
        b.gatewayProperties.putAll(gatewayProperties);
        b.coordinatorJar = coordinatorJar;
        b.bankJar = bankJar;
        b.maxConnections = maxConnections;
        b.startTimeout = startTimeout;
        return b;
    }

    public static final class Builder {
        private int coordinators = 3;
        private int shards = 2;
        private int accounts = 100;
        private long initialBalance = 10_000;
        private Path dataDirectory;
        private int gatewayPort;
        private boolean controlApi = true;
        private boolean declarationSeals = true;
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private final Map<String, String> coordinatorProperties = new LinkedHashMap<>();
        private final Map<String, String> shardProperties = new LinkedHashMap<>();
        private final Map<String, String> gatewayProperties = new LinkedHashMap<>();
        private Path coordinatorJar;
        private Path bankJar;
        private int maxConnections = 100;
        private Duration startTimeout = Duration.ofMinutes(4);

        private Builder() {
            // Longer than the coordinator's 250-500 ms default: seven JVMs on a small, busy machine pause long
            // enough to trigger needless elections. A leader's death is still noticed within 2 s.
            coordinatorProperties.put("verdict.coordinator.election-timeout-min", "1s");
            coordinatorProperties.put("verdict.coordinator.election-timeout-max", "2s");
        }

        public Builder coordinators(int coordinators) {
            this.coordinators = coordinators;
            return this;
        }

        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        public Builder accounts(int accounts) {
            this.accounts = accounts;
            return this;
        }

        public Builder initialBalance(long initialBalance) {
            this.initialBalance = initialBalance;
            return this;
        }

        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        public Builder gatewayPort(int gatewayPort) {
            this.gatewayPort = gatewayPort;
            return this;
        }

        public Builder controlApi(boolean controlApi) {
            this.controlApi = controlApi;
            return this;
        }

        public Builder declarationSeals(boolean declarationSeals) {
            this.declarationSeals = declarationSeals;
            return this;
        }

        public Builder jvmOptions(List<String> jvmOptions) {
            this.jvmOptions = List.copyOf(jvmOptions);
            return this;
        }

        public Builder coordinatorProperty(String name, String value) {
            coordinatorProperties.put(name, value);
            return this;
        }

        public Builder shardProperty(String name, String value) {
            shardProperties.put(name, value);
            return this;
        }

        public Builder gatewayProperty(String name, String value) {
            gatewayProperties.put(name, value);
            return this;
        }

        public Builder coordinatorJar(Path coordinatorJar) {
            this.coordinatorJar = coordinatorJar;
            return this;
        }

        public Builder bankJar(Path bankJar) {
            this.bankJar = bankJar;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        public TopologySpec build() {
            return new TopologySpec(coordinators, shards, accounts, initialBalance, dataDirectory, gatewayPort, controlApi,
                    declarationSeals, jvmOptions, coordinatorProperties, shardProperties, gatewayProperties, coordinatorJar, bankJar,
                    maxConnections, startTimeout);
        }
    }
}
