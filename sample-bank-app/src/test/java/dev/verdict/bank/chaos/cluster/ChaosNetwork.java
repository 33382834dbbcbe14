package dev.verdict.bank.chaos.cluster;

import dev.verdict.bank.chaos.net.TcpProxy;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A TCP proxy on every coordinator-coordinator and coordinator-agent link, each direction its own proxy, so any set
 * of links can be cut, delayed or made to duplicate traffic.
 *
 * <ul>
 * <li>Raft, node {@code i} to node {@code j}: node {@code i}'s {@code verdict.coordinator.peers} names {@code j} at
 * the address of proxy {@code i->j} (every node has its own peer list; see docs/chaos.md for why Ratis allows
 * it).</li>
 * <li>Agent {@code a} to coordinator {@code i} (enlist, in-doubt status reads): agent {@code a}'s
 * {@code verdict.participant.coordinator-urls} name proxy {@code a->i} for each node.</li>
 * <li>Coordinator {@code i} to agent {@code a} (prepare, commit, abort): the agent advertises
 * {@code http://<agent>.chaos.test:<port>}, one URL in the decision log for every node; each coordinator JVM
 * resolves that name through its own hosts file ({@code -Djdk.net.hosts.file}) to a loopback address of its own,
 * {@code 127.77.<i>.<a>}, where proxy {@code i->a} listens on that port.</li>
 * </ul>
 */
public final class ChaosNetwork implements AutoCloseable {

    public enum Kind { RAFT, AGENT_TO_COORDINATOR, COORDINATOR_TO_AGENT }

    /** One direction of one link and its proxy. */
    public record Link(String from, String to, Kind kind, TcpProxy proxy) {
        boolean between(Collection<String> a, Collection<String> b) {
            return a.contains(from) && b.contains(to) || b.contains(from) && a.contains(to);
        }

        @Override
        public String toString() {
            return from + "->" + to;
        }
    }

    public static final String AGENT_DOMAIN = "chaos.test";

    private final List<String> coordinators;
    private final List<String> agents;
    private final List<Link> links = new ArrayList<>();
    private final Map<String, Integer> advertisedPorts = new java.util.LinkedHashMap<>();

    /**
     * @param raftPorts  each coordinator's real Raft port
     * @param httpPorts  each coordinator's HTTP port
     * @param agentPorts each agent's real HTTP port
     */
    public ChaosNetwork(List<String> coordinators, Map<String, Integer> raftPorts, Map<String, Integer> httpPorts,
            List<String> agents, Map<String, Integer> agentPorts) {
        this.coordinators = List.copyOf(coordinators);
        this.agents = List.copyOf(agents);
        try {
            for (String from : coordinators) {
                for (String to : coordinators) {
                    if (!from.equals(to)) {
                        add(from, to, Kind.RAFT, new InetSocketAddress("127.0.0.1", 0), raftPorts.get(to));
                    }
                }
            }
            for (String agent : agents) {
                for (String coordinator : coordinators) {
                    add(agent, coordinator, Kind.AGENT_TO_COORDINATOR, new InetSocketAddress("127.0.0.1", 0),
                            httpPorts.get(coordinator));
                }
            }
            for (String agent : agents) {
                advertisedPorts.put(agent, bindAgentProxies(agent, agentPorts.get(agent)));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Link add(String from, String to, Kind kind, InetSocketAddress listen, int upstreamPort) {
        TcpProxy proxy = TcpProxy.start(from + "->" + to, listen, new InetSocketAddress("127.0.0.1", upstreamPort));
        Link link = new Link(from, to, kind, proxy);
        links.add(link);
        return link;
    }

    /** One proxy per coordinator for this agent, all on one port, each on the coordinator's own loopback address. */
    private int bindAgentProxies(String agent, int agentPort) {
        for (int attempt = 0; attempt < 20; attempt++) {
            List<Link> bound = new ArrayList<>();
            int port = 0;
            try {
                for (String coordinator : coordinators) {
                    InetSocketAddress listen = new InetSocketAddress(agentAddress(coordinator, agent), port);
                    Link link = add(coordinator, agent, Kind.COORDINATOR_TO_AGENT, listen, agentPort);
                    bound.add(link);
                    port = link.proxy().address().getPort();
                }
                return port;
            } catch (UncheckedIOException e) {
                for (Link link : bound) {
                    link.proxy().close();
                    links.remove(link);
                }
            }
        }
        throw new IllegalStateException("no port free on every coordinator's address for " + agent);
    }

    /** The loopback address coordinator {@code coordinator} reaches {@code agent} at. */
    public String agentAddress(String coordinator, String agent) {
        return "127.77." + (coordinators.indexOf(coordinator) + 1) + "." + (agents.indexOf(agent) + 1);
    }

    public String agentHostName(String agent) {
        return agent + "." + AGENT_DOMAIN;
    }

    /** The URL an agent advertises (the same for every coordinator; each resolves it to its own proxy). */
    public String advertisedUrl(String agent) {
        return "http://" + agentHostName(agent) + ":" + advertisedPorts.get(agent);
    }

    /** A hosts file for {@code coordinator}'s JVM ({@code -Djdk.net.hosts.file}): agent names to its proxies. */
    public String hostsFile(String coordinator, String hostName) {
        StringBuilder text = new StringBuilder("127.0.0.1 localhost\n");
        if (hostName != null && !hostName.isBlank() && !hostName.equals("localhost")) {
            text.append("127.0.0.1 ").append(hostName).append('\n');
        }
        for (String agent : agents) {
            text.append(agentAddress(coordinator, agent)).append(' ').append(agentHostName(agent)).append('\n');
        }
        return text.toString();
    }

    /** {@code coordinator}'s peer list: itself at its real Raft port, every other node through its proxy. */
    public String peers(String coordinator, Map<String, Integer> raftPorts) {
        List<String> entries = new ArrayList<>();
        for (String peer : coordinators) {
            int port = peer.equals(coordinator) ? raftPorts.get(peer) : link(coordinator, peer).proxy().address().getPort();
            entries.add(peer + "=127.0.0.1:" + port);
        }
        return String.join(",", entries);
    }

    /** {@code agent}'s coordinator URLs, each through its proxy. */
    public List<String> coordinatorUrls(String agent) {
        return coordinators.stream()
                .map(c -> "http://127.0.0.1:" + link(agent, c).proxy().address().getPort()).toList();
    }

    public Link link(String from, String to) {
        return links.stream().filter(l -> l.from().equals(from) && l.to().equals(to)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no link " + from + "->" + to));
    }

    public List<Link> links() {
        return List.copyOf(links);
    }

    public List<String> coordinators() {
        return coordinators;
    }

    public List<String> agents() {
        return agents;
    }

    /** Cuts every link between the two sides, both directions; returns the links cut. */
    public List<Link> cut(Collection<String> sideA, Collection<String> sideB) {
        List<Link> cut = links.stream().filter(l -> l.between(sideA, sideB)).toList();
        cut.forEach(l -> l.proxy().cut());
        return cut;
    }

    /** Cuts every link of {@code node}, both directions. */
    public List<Link> isolate(String node) {
        List<String> others = new ArrayList<>(coordinators);
        others.addAll(agents);
        others.remove(node);
        return cut(Set.of(node), others);
    }

    public void delay(Predicate<Link> which, Duration delay) {
        links.stream().filter(which).forEach(l -> l.proxy().delay(delay));
    }

    public void duplicate(Predicate<Link> which) {
        links.stream().filter(which).forEach(l -> l.proxy().duplicate(true));
    }

    /** Every link back to plain: no cut, no delay, no duplication. */
    public void clear() {
        links.forEach(l -> l.proxy().clear());
    }

    /** Bytes a link's proxy delivered, both directions. */
    public static long bytesOf(Link link) {
        TcpProxy.Stats stats = link.proxy().stats();
        return stats.bytesUp() + stats.bytesDown();
    }

    public List<Link> cutLinks() {
        return links.stream().filter(l -> l.proxy().isCut()).toList();
    }

    @Override
    public void close() {
        links.forEach(l -> l.proxy().close());
    }
}
