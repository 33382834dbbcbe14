package dev.verdict.coordinator.log.ratis;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a follower at once that the leader's process is gone, where Raft alone waits for an election timeout.
 *
 * <p>The watch holds one idle TCP connection to the leader's Raft port. When the leader's process dies, its
 * operating system closes that connection at once; the watch then tries to connect again, and only a refused
 * connection (nothing listens on the port any more) counts as the process being gone. A connection closed for
 * any other reason (the server dropping an idle connection, say) is simply opened again. A leader whose host dies
 * or is cut off closes nothing and refuses nothing: then Raft's own election timeout notices it, as before. So the
 * watch only ever hastens an election; it never delays or prevents one, and Raft's voting keeps every election
 * safe whatever starts it.
 *
 * <p>One watch at a time: {@link #watch} replaces the previous one, {@link #stop} ends it.
 */
final class LeaderDeathWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderDeathWatch.class);
    /** A watch connection that lived shorter than this is opened again only after this long. */
    private static final Duration MIN_REWATCH_INTERVAL = Duration.ofSeconds(1);

    /** Told when the watched leader's process is gone. */
    @FunctionalInterface
    interface Listener {
        /** The leader {@code leaderId} of {@code term} no longer listens on its Raft port. */
        void leaderGone(String leaderId, long term);
    }

    /** What is watched: a leader of a term, at its Raft address. */
    record Target(String leaderId, long term, InetSocketAddress address) {
        Target {
            Objects.requireNonNull(leaderId, "leaderId");
            Objects.requireNonNull(address, "address");
        }
    }

    private final Duration connectTimeout;
    private final Listener onGone;
    private final AtomicReference<Watch> current = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * @param connectTimeout how long a connection attempt may take; one that times out proves nothing
     * @param onGone         told (leader id, term) when the watched leader's port refuses connections
     */
    LeaderDeathWatch(Duration connectTimeout, Listener onGone) {
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.onGone = Objects.requireNonNull(onGone, "onGone");
    }

    /** Watches {@code target} from now on, instead of whatever was watched before. */
    void watch(Target target) {
        if (closed) {
            return;
        }
        Watch previous = current.get();
        if (previous != null && previous.target.equals(target)) {
            return;
        }
        Watch next = new Watch(target);
        previous = current.getAndSet(next);
        if (previous != null) {
            previous.cancel();
        }
        Thread.ofVirtual().name("leader-watch-" + target.leaderId()).start(next::run);
    }

    /** Stops watching (this node leads, or knows of no leader). */
    void stop() {
        Watch previous = current.getAndSet(null);
        if (previous != null) {
            previous.cancel();
        }
    }

    /** The leader watched now, or null. */
    String watchedLeader() {
        Watch watch = current.get();
        return watch == null ? null : watch.target.leaderId();
    }

    @Override
    public void close() {
        closed = true;
        stop();
    }

    /** Whether nothing listens at {@code address} any more: only a refused connection says so. */
    private boolean refused(InetSocketAddress address) {
        try (Socket probe = new Socket()) {
            probe.connect(address, Math.toIntExact(connectTimeout.toMillis()));
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false; // timed out, unreachable: proves nothing, the election timeout takes care of it
        }
    }

    private final class Watch {
        private final Target target;
        private volatile Socket socket;
        private volatile boolean cancelled;

        Watch(Target target) {
            this.target = target;
        }

        void run() {
            while (isCurrent()) {
                long opened = System.nanoTime();
                holdConnection();
                if (!isCurrent()) {
                    return;
                }
                if (refused(target.address())) {
                    if (isCurrent() && current.compareAndSet(this, null)) {
                        LOG.info("leader {} of term {} is gone: its Raft port {} refuses connections",
                                target.leaderId(), target.term(), target.address());
                        onGone.leaderGone(target.leaderId(), target.term());
                    }
                    return;
                }
                // Still listening: the connection was dropped for another reason. Watch again, but never in a
                // tight loop against a server that drops connections at once.
                long lived = System.nanoTime() - opened;
                long rest = MIN_REWATCH_INTERVAL.toNanos() - lived;
                if (rest > 0 && !pause(rest)) {
                    return;
                }
            }
        }

        /** Connects and reads until the connection ends (whatever the server sends is ignored). */
        private void holdConnection() {
            try (Socket s = new Socket()) {
                socket = s;
                if (cancelled) {
                    return;
                }
                s.connect(target.address(), Math.toIntExact(connectTimeout.toMillis()));
                InputStream in = s.getInputStream();
                byte[] discard = new byte[256];
                while (in.read(discard) >= 0) {
                    // the server's greeting, if any: not what is watched
                }
            } catch (IOException e) {
                LOG.debug("watch of leader {} ended: {}", target.leaderId(), e.toString());
            }
        }

        private boolean isCurrent() {
            return !cancelled && current.get() == this;
        }

        private boolean pause(long nanos) {
            try {
                Thread.sleep(Duration.ofNanos(nanos)); // a rate limit, not a wait for a condition
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void cancel() {
            cancelled = true;
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    LOG.debug("closing the watch of {} failed", target.leaderId(), e);
                }
            }
        }
    }
}
