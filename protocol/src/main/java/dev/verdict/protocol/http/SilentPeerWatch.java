package dev.verdict.protocol.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the calls in flight to a peer whose machine is gone, instead of letting each wait out its read timeout.
 *
 * <p>Why: a process that dies on a live machine has its kernel reset its connections, and its callers learn at once.
 * A machine that dies, or is cut off, sends nothing at all. A call under way to it then waits for its whole read
 * timeout (30 s for a client's commit, which may legitimately wait that long for a prepare round), and so does
 * every call its caller sends there before the first one fails, although another coordinator node could answer
 * within seconds. TCP keepalive does not help: a request the dead machine never acknowledged keeps its
 * connection retransmitting, and Java cannot set {@code TCP_USER_TIMEOUT}.
 *
 * <p>How: the watch sits in the HTTP client's chain and notes each exchange until its response head arrives. Every
 * {@link #SWEEP} it looks for peers with an exchange silent for longer than {@link #SUSPECT_AFTER}, and asks each
 * such peer for a new TCP connection, bounded by {@link #PROBE_TIMEOUT}.
 * <ul>
 *   <li>A peer that accepts it is alive, however slow its answer. A paused JVM counts too, since its kernel
 *       still accepts the connection. Its calls go on.</li>
 *   <li>A peer that refuses it, or does not answer in time, is gone. Its calls under way are cancelled: the client
 *       closes their connections, and each fails as an I/O error. The caller's own policy follows from there. A
 *       coordinator call moves on to the next node (every call is idempotent), and a call to a participant
 *       counts as no answer.</li>
 * </ul>
 */
final class SilentPeerWatch implements ExecChainHandler {

    private static final Logger log = LoggerFactory.getLogger(SilentPeerWatch.class);

    /** Longer than a healthy exchange on a loaded machine, shorter than any read timeout worth having. */
    static final Duration SUSPECT_AFTER = Duration.ofSeconds(2);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    static final Duration SWEEP = Duration.ofMillis(500);

    /** One watch per JVM: every internal HTTP client shares it and its one sweeping thread. */
    static final SilentPeerWatch SHARED = new SilentPeerWatch(System::nanoTime, SilentPeerWatch::accepts, true);

    /** One exchange under way: its peer, when it started, and how to end it. */
    record Exchange(HttpHost peer, long startedNanos, Cancellable cancel) {
    }

    /** Whether a peer accepts a new TCP connection within the probe timeout. */
    interface Probe {
        boolean accepts(HttpHost peer);
    }

    private final LongSupplier nanoClock;
    private final Probe probe;
    private final Set<Exchange> underWay = ConcurrentHashMap.newKeySet();
    private final Map<HttpHost, Boolean> probing = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping;

    /** @param sweepInBackground whether the first exchange starts the sweeping thread (tests drive it instead) */
    SilentPeerWatch(LongSupplier nanoClock, Probe probe, boolean sweepInBackground) {
        this.nanoClock = nanoClock;
        this.probe = probe;
        this.sweeping = new AtomicBoolean(!sweepInBackground);
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        // Spring's requests are HttpClient's cancellable ones: cancelling one closes its connection.
        if (!(scope.originalRequest instanceof Cancellable cancel)) {
            return chain.proceed(request, scope);
        }
        Exchange exchange = begin(scope.route.getTargetHost(), cancel);
        try {
            return chain.proceed(request, scope);
        } finally {
            end(exchange);
        }
    }

    /** Notes an exchange under way; the caller removes it with {@link #end} once its answer has come. */
    Exchange begin(HttpHost peer, Cancellable cancel) {
        Exchange exchange = new Exchange(peer, nanoClock.getAsLong(), cancel);
        underWay.add(exchange);
        startSweeping();
        return exchange;
    }

    void end(Exchange exchange) {
        underWay.remove(exchange);
    }

    private void startSweeping() {
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("verdict-silent-peer-watch").start(this::sweepForever);
        }
    }

    private void sweepForever() {
        while (true) {
            try {
                Thread.sleep(SWEEP);
                sweep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("silent-peer sweep failed; next sweep in {}", SWEEP, e);
            }
        }
    }

    /** One round: probes, each on a thread of its own, every peer with an exchange silent for too long. */
    private void sweep() {
        long now = nanoClock.getAsLong();
        suspects(now).stream()
                .filter(peer -> probing.putIfAbsent(peer, Boolean.TRUE) == null)
                .forEach(peer -> Thread.ofVirtual().name("verdict-probe-" + peer.toHostString())
                        .start(() -> probeAndCancel(peer, now)));
    }

    /** The peers with an exchange under way for longer than {@link #SUSPECT_AFTER} at {@code nowNanos}. */
    List<HttpHost> suspects(long nowNanos) {
        long suspectBefore = nowNanos - SUSPECT_AFTER.toNanos();
        return underWay.stream()
                .filter(exchange -> exchange.startedNanos() < suspectBefore)
                .map(Exchange::peer)
                .distinct()
                .toList();
    }

    /**
     * Cancels the peer's exchanges begun before {@code probeStartedNanos} unless it accepts a connection. Those
     * begun later are left to the next sweep, so an answer that a revived peer is about to give is not thrown away.
     */
    void probeAndCancel(HttpHost peer, long probeStartedNanos) {
        try {
            if (probe.accepts(peer)) {
                return;
            }
            List<Exchange> cancelled = new ArrayList<>();
            for (Exchange exchange : underWay) {
                if (exchange.peer().equals(peer) && exchange.startedNanos() < probeStartedNanos
                        && underWay.remove(exchange)) {
                    exchange.cancel().cancel();
                    cancelled.add(exchange);
                }
            }
            if (!cancelled.isEmpty()) {
                log.warn("{} takes no new connection and its calls are silent: cancelled {} call(s) under way to it",
                        peer, cancelled.size());
            }
        } finally {
            probing.remove(peer);
        }
    }

    private static boolean accepts(HttpHost peer) {
        int port = peer.getPort() > 0 ? peer.getPort() : "https".equalsIgnoreCase(peer.getSchemeName()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            // an unknown host (a container gone with its name) fails here too, as an UnknownHostException
            socket.connect(new InetSocketAddress(peer.getHostName(), port), (int) PROBE_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
