package dev.verdict.bank.chaos.nemesis;

import dev.verdict.bank.chaos.cluster.ChaosCluster;
import dev.verdict.bank.chaos.cluster.ChaosNetwork;
import dev.verdict.bank.demo.ManagedProcess;
import dev.verdict.bank.demo.ShardDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link NemesisSchedule} on a running {@link ChaosCluster}, one fault at a time: waits the fault's
 * gap, injects it, holds it, heals it, then waits until the cluster has recovered (every process up and healthy,
 * every database accepting connections, a leader named by a majority) before the next gap starts. Targets that
 * depend on the moment (the leader, the followers) are resolved at injection, every choice made from the fault's
 * seeded choice bits.
 */
public final class Nemesis {

    private static final Logger log = LoggerFactory.getLogger(Nemesis.class);

    private final ChaosCluster cluster;
    private final LongSupplier clock;
    private final Duration recoveryTimeout;
    private final List<String> notes = new ArrayList<>();
    private final List<String> unrecovered = new ArrayList<>();
    private String lastFailure = "";

    /**
     * @param clock           the history's clock (nanoseconds since its start), so fault windows and operations share
     *                        one time line
     * @param recoveryTimeout how long to wait for the cluster after a heal before carrying on regardless
     */
    public Nemesis(ChaosCluster cluster, LongSupplier clock, Duration recoveryTimeout) {
        this.cluster = cluster;
        this.clock = clock;
        this.recoveryTimeout = recoveryTimeout;
    }

    /** What went unexpectedly (a target that could not be resolved, a slow recovery). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * Runs the faults of the schedule one after another; returns the windows as they happened. Stops early when the
     * cluster does not recover from a fault within the recovery timeout ({@link #unrecovered()} says which): more
     * faults on a cluster that is already stuck would show nothing new, and the run should go to its checks.
     */
    public List<FaultWindow> run(NemesisSchedule schedule) {
        List<FaultWindow> windows = new ArrayList<>();
        for (Fault fault : schedule.faults()) {
            sleep(Duration.ofMillis(fault.gapMillis()));
            windows.add(inject(fault));
            if (!unrecovered.isEmpty()) {
                String note = "the nemesis stopped after fault #" + fault.seq() + " of " + schedule.faults().size()
                        + ": the cluster did not recover from it";
                log.warn(note);
                notes.add(note);
                break;
            }
        }
        return windows;
    }

    /** Why the cluster did not recover from a fault, if it did not (empty when every fault was recovered from). */
    public List<String> unrecovered() {
        return List.copyOf(unrecovered);
    }

    /** Injects one fault, holds it, heals it and waits for recovery. */
    public FaultWindow inject(Fault fault) {
        long started = clock.getAsLong();
        Injected injected = start(fault);
        log.info("nemesis {}/{} at {} s: {} on {}", fault.seq(), fault.kind(), String.format("%.1f", started / 1e9),
                fault.kind(), injected.target());
        sleep(Duration.ofMillis(fault.holdMillis()));
        try {
            injected.heal().run();
        } finally {
            String when = "after fault #" + fault.seq() + " " + fault.kind() + " on " + injected.target();
            if (!awaitRecovery(when)) {
                unrecovered.add(when + ": " + lastFailure);
            }
        }
        long healed = clock.getAsLong();
        log.info("nemesis {}/{} healed at {} s", fault.seq(), fault.kind(), String.format("%.1f", healed / 1e9));
        return new FaultWindow(fault.seq(), fault.kind(), injected.target(), started, healed);
    }

    private record Injected(String target, Runnable heal) {
    }

    private Injected start(Fault fault) {
        ChaosNetwork network = cluster.network();
        List<String> coordinators = cluster.coordinatorIds();
        List<String> agents = cluster.agentIds();
        return switch (fault.kind()) {
            case KILL_LEADER -> {
                String leader = leader(fault);
                ManagedProcess process = cluster.coordinator(leader);
                process.kill();
                yield new Injected(leader, process::start);
            }
            case KILL_FOLLOWER -> {
                String leader = leader(fault);
                List<String> followers = coordinators.stream().filter(c -> !c.equals(leader)).toList();
                String follower = followers.get(fault.pick(followers.size(), 1));
                ManagedProcess process = cluster.coordinator(follower);
                process.kill();
                yield new Injected(follower, process::start);
            }
            case KILL_AGENT -> {
                String agent = agents.get(fault.pick(agents.size(), 1));
                ManagedProcess process = cluster.agent(agent);
                process.kill();
                yield new Injected(agent, process::start);
            }
            case POSTGRES_IMMEDIATE_STOP -> {
                int shard = fault.pick(cluster.databases().size(), 1);
                ShardDatabase db = cluster.database(shard);
                db.stopImmediately();
                yield new Injected(db.name(), db::start);
            }
            case PARTITION_ISOLATE_LEADER -> {
                String leader = leader(fault);
                List<ChaosNetwork.Link> cut = network.isolate(leader);
                yield new Injected(leader + " (" + cut.size() + " links)", network::clear);
            }
            case PARTITION_SPLIT -> {
                String minority = coordinators.get(fault.pick(coordinators.size(), 1));
                Set<String> sideA = new HashSet<>(Set.of(minority));
                Set<String> sideB = new HashSet<>(coordinators);
                sideB.remove(minority);
                for (int i = 0; i < agents.size(); i++) {
                    (fault.flip(10 + i) ? sideA : sideB).add(agents.get(i));
                }
                List<ChaosNetwork.Link> cut = network.cut(sideA, sideB);
                yield new Injected(sorted(sideA) + " | " + sorted(sideB) + " (" + cut.size() + " links)", network::clear);
            }
            case PARTITION_CUT_AGENT -> {
                String agent = agents.get(fault.pick(agents.size(), 1));
                List<ChaosNetwork.Link> cut = network.cut(Set.of(agent), coordinators);
                yield new Injected(agent + " (" + cut.size() + " links)", network::clear);
            }
            case PAUSE_COORDINATOR -> {
                String node = fault.flip(1) ? leader(fault) : coordinators.get(fault.pick(coordinators.size(), 2));
                ManagedProcess process = cluster.coordinator(node);
                process.pause();
                yield new Injected(node, process::resume);
            }
            case LINK_DELAY -> {
                List<ChaosNetwork.Link> links = someLinks(fault);
                Duration delay = Duration.ofMillis(fault.delayMillis());
                links.forEach(l -> l.proxy().delay(delay));
                yield new Injected(fault.delayMillis() + " ms on " + describe(links), network::clear);
            }
            case LINK_DUPLICATE -> {
                List<ChaosNetwork.Link> links = someLinks(fault);
                links.forEach(l -> l.proxy().duplicate(true));
                yield new Injected(describe(links), network::clear);
            }
        };
    }

    /** About half of all links, each in or out by the fault's choice bits; at least one. */
    private List<ChaosNetwork.Link> someLinks(Fault fault) {
        List<ChaosNetwork.Link> all = cluster.network().links();
        List<ChaosNetwork.Link> chosen = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (fault.flip(100 + i)) {
                chosen.add(all.get(i));
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(all.get(fault.pick(all.size(), 99)));
        }
        return chosen;
    }

    private static String describe(List<ChaosNetwork.Link> links) {
        return links.size() + " links " + links.stream().map(Object::toString).collect(Collectors.joining(" "));
    }

    private static String sorted(Set<String> side) {
        return side.stream().sorted().collect(Collectors.joining(",", "{", "}"));
    }

    /** The current leader; if none is named within a while, a node picked by the fault's choice (noted). */
    private String leader(Fault fault) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            Optional<String> leader = cluster.leader();
            if (leader.isPresent()) {
                return leader.get();
            }
            sleep(Duration.ofMillis(250));
        }
        String picked = cluster.coordinatorIds().get(fault.pick(cluster.coordinatorIds().size(), 7));
        notes.add("fault #" + fault.seq() + " " + fault.kind() + ": no leader named within 30 s, hit " + picked);
        return picked;
    }

    /** Heals everything: links back to plain, paused nodes resumed, stopped processes and databases started. */
    public void healAll() {
        cluster.network().clear();
        cluster.jvms().filter(ManagedProcess::paused).forEach(ManagedProcess::resume);
        for (ShardDatabase db : cluster.databases()) {
            if (!db.running()) {
                db.start();
            }
        }
        cluster.jvms().filter(p -> !p.running()).forEach(ManagedProcess::start);
        awaitRecovery("after the final heal");
    }

    /** Waits (bounded) until every process is up and healthy and a majority names a leader. */
    public boolean awaitRecovery(String when) {
        Instant deadline = Instant.now().plus(recoveryTimeout);
        try {
            for (ShardDatabase db : cluster.databases()) {
                db.awaitReady(remaining(deadline));
            }
            cluster.jvms().forEach(p -> p.awaitHealthy(remaining(deadline)));
            cluster.awaitLeader(remaining(deadline));
            return true;
        } catch (RuntimeException e) {
            lastFailure = firstLine(e.getMessage());
            String note = "no full recovery within " + recoveryTimeout + " " + when + ": " + lastFailure;
            log.warn(note);
            notes.add(note);
            return false;
        }
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** The planned gap or hold of a fault: a deliberate delay, not a wait for a condition. */
    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("nemesis interrupted", e);
        }
    }
}
