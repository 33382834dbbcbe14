package dev.verdict.bank.chaos.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy for one network link, on virtual threads, that can cut, delay and duplicate the traffic it carries.
 *
 * <ul>
 * <li>{@link #cut()} stops every byte in both directions, like a partition that drops packets: open connections
 * freeze (nothing more is read from either side, so senders fill their buffers and time out) and new connections
 * are accepted but never connected upstream. {@link #heal()} resets every connection that lived through the cut
 * (as a real partition long enough to break them would) and lets new ones through.</li>
 * <li>{@link #delay(Duration)} holds every chunk read from either side that long before writing it on, keeping
 * order.</li>
 * <li>{@link #duplicate(boolean)} gives every new connection a shadow connection upstream that receives a copy of
 * every byte the client sends (so the server gets every request twice, at about the same time, on two
 * connections); the shadow's answers are read and dropped. Turning it on resets open connections so the copies
 * start at once. It duplicates whole streams, which is what request/response protocols (HTTP/1.1, gRPC) can take:
 * duplicating single segments inside one stream would just corrupt it.</li>
 * </ul>
 */
public final class TcpProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);
    private static final int CHUNK = 16 * 1024;
    private static final int QUEUE_CHUNKS = 64;

    /** Traffic counters: bytes delivered each way, connections, copies. */
    public record Stats(long bytesUp, long bytesDown, long bytesDuplicated, long connections, long resets) {
    }

    private final String name;
    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition healed = lock.newCondition();
    private volatile boolean cut;
    private volatile long delayNanos;
    private volatile boolean duplicate;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final AtomicLong bytesDuplicated = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();

    private TcpProxy(String name, InetSocketAddress listen, InetSocketAddress upstream) throws IOException {
        this.name = name;
        this.upstream = upstream;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen, 256);
        this.acceptor = Thread.ofVirtual().name("proxy-" + name + "-accept").start(this::acceptLoop);
    }

    /**
     * Starts a proxy listening at {@code listen} (port 0: any free port) that forwards to {@code upstream}.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static TcpProxy start(String name, InetSocketAddress listen, InetSocketAddress upstream) {
        try {
            return new TcpProxy(name, listen, upstream);
        } catch (IOException e) {
            throw new UncheckedIOException("proxy " + name + " cannot listen at " + listen, e);
        }
    }

    public String name() {
        return name;
    }

    /** The address clients connect to. */
    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    public InetSocketAddress upstream() {
        return upstream;
    }

    public boolean isCut() {
        return cut;
    }

    public Duration delay() {
        return Duration.ofNanos(delayNanos);
    }

    public boolean duplicating() {
        return duplicate;
    }

    /** Stops all traffic both ways until {@link #heal()}. Idempotent. */
    public void cut() {
        lock.lock();
        try {
            cut = true;
            connections.forEach(Connection::freeze);
        } finally {
            lock.unlock();
        }
    }

    /** Ends a cut: connections that lived through it are reset, new ones flow. Idempotent. */
    public void heal() {
        lock.lock();
        try {
            if (!cut) {
                return;
            }
            cut = false;
            healed.signalAll();
        } finally {
            lock.unlock();
        }
        connections.stream().filter(Connection::frozen).forEach(Connection::reset);
    }

    /** Delays every chunk in both directions by {@code delay} (zero: no delay). */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        delayNanos = delay.toNanos();
    }

    /** Starts or stops duplicating client-to-server traffic; turning it on resets open connections. */
    public void duplicate(boolean on) {
        boolean was = duplicate;
        duplicate = on;
        if (on && !was) {
            resetConnections();
        }
    }

    /** Back to a plain link: heals a cut, no delay, no duplication. */
    public void clear() {
        delay(Duration.ZERO);
        duplicate(false);
        heal();
    }

    /** Resets (RST) every open connection. */
    public void resetConnections() {
        connections.forEach(Connection::reset);
    }

    public int openConnections() {
        return connections.size();
    }

    public Stats stats() {
        return new Stats(bytesUp.get(), bytesDown.get(), bytesDuplicated.get(), accepted.get(), resets.get());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        lock.lock();
        try {
            healed.signalAll();
        } finally {
            lock.unlock();
        }
        closeQuietly(server);
        connections.forEach(Connection::reset);
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TcpProxy[" + name + " " + address() + " -> " + upstream + (cut ? " CUT" : "")
                + (delayNanos > 0 ? " delay " + Duration.ofNanos(delayNanos) : "") + (duplicate ? " DUP" : "") + "]";
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    log.warn("proxy {}: accept failed: {}", name, e.toString());
                }
                return;
            }
            accepted.incrementAndGet();
            Connection connection = new Connection(client);
            connections.add(connection);
            Thread.ofVirtual().name("proxy-" + name + "-open").start(connection::open);
        }
    }

    /** Blocks while the link is cut; false when the proxy closed meanwhile. */
    private boolean awaitOpen() throws InterruptedException {
        lock.lock();
        try {
            while (cut && !closed.get()) {
                healed.await(200, TimeUnit.MILLISECONDS);
            }
            return !closed.get();
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    private static void resetQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // closed already
        }
        closeQuietly(socket);
    }

    /** A chunk on its way, with the time it may be written; an empty chunk marks the end of the stream. */
    private record Chunk(byte[] bytes, long releaseAt) {
        boolean eof() {
            return bytes.length == 0;
        }
    }

    private final class Connection {
        private final Socket client;
        private volatile Socket server;
        private volatile Socket shadow;
        private volatile boolean frozen;
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicLong halfClosed = new AtomicLong();

        Connection(Socket client) {
            this.client = client;
        }

        boolean frozen() {
            return frozen;
        }

        void freeze() {
            frozen = true;
        }

        void open() {
            try {
                client.setTcpNoDelay(true);
                if (cut) {
                    frozen = true; // accepted during a cut: held, never connected; reset at heal
                    return;
                }
                Socket up = new Socket();
                up.setTcpNoDelay(true);
                up.connect(upstream, 5_000);
                server = up;
                if (duplicate) {
                    openShadow();
                }
                if (frozen || done.get()) {
                    reset();
                    return;
                }
                Thread.ofVirtual().name("proxy-" + name + "-up").start(() -> pump(client, up, bytesUp, true));
                Thread.ofVirtual().name("proxy-" + name + "-down").start(() -> pump(up, client, bytesDown, false));
            } catch (IOException e) {
                log.debug("proxy {}: upstream {} unreachable: {}", name, upstream, e.toString());
                reset();
            }
        }

        private void openShadow() {
            try {
                Socket copy = new Socket();
                copy.setTcpNoDelay(true);
                copy.connect(upstream, 5_000);
                shadow = copy;
                Thread.ofVirtual().name("proxy-" + name + "-shadow").start(() -> drain(copy));
            } catch (IOException e) {
                log.debug("proxy {}: no shadow connection: {}", name, e.toString());
            }
        }

        private void drain(Socket copy) {
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = copy.getInputStream()) {
                while (in.read(buffer) >= 0) {
                    // the server's answers to the copies go nowhere
                }
            } catch (IOException e) {
                // shadow gone
            }
        }

        /** Moves one direction: a reader thread queues chunks, this thread's writer delivers them when due. */
        private void pump(Socket from, Socket to, AtomicLong counter, boolean clientToServer) {
            BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
            Thread reader = Thread.ofVirtual().name("proxy-" + name + "-read").start(() -> read(from, queue));
            try {
                OutputStream out = to.getOutputStream();
                while (!done.get()) {
                    Chunk chunk = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (chunk == null) {
                        continue;
                    }
                    long wait = chunk.releaseAt() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (!passable()) {
                        return;
                    }
                    if (chunk.eof()) {
                        to.shutdownOutput();
                        if (halfClosed.incrementAndGet() == 2) {
                            finish();
                        }
                        return;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                    counter.addAndGet(chunk.bytes().length);
                    if (clientToServer) {
                        copyToShadow(chunk.bytes());
                    }
                }
            } catch (IOException e) {
                reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reset();
            } finally {
                reader.interrupt();
            }
        }

        private void read(Socket from, BlockingQueue<Chunk> queue) {
            byte[] buffer = new byte[CHUNK];
            try {
                InputStream in = from.getInputStream();
                while (!done.get()) {
                    int n = in.read(buffer);
                    if (!passable()) {
                        return;
                    }
                    long releaseAt = System.nanoTime() + delayNanos;
                    queue.put(new Chunk(n < 0 ? new byte[0] : Arrays.copyOf(buffer, n), releaseAt));
                    if (n < 0) {
                        return;
                    }
                }
            } catch (IOException e) {
                reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Whether bytes may move now. While the link is cut this blocks (nothing moves, the peer's buffers fill);
         * a connection that lived through a cut never moves bytes again: it is reset at heal.
         */
        private boolean passable() throws InterruptedException {
            if (frozen || cut) {
                frozen = true;
                awaitOpen();
                reset();
                return false;
            }
            return !done.get();
        }

        private void copyToShadow(byte[] bytes) {
            Socket copy = shadow;
            if (copy == null) {
                return;
            }
            try {
                copy.getOutputStream().write(bytes);
                copy.getOutputStream().flush();
                bytesDuplicated.addAndGet(bytes.length);
            } catch (IOException e) {
                shadow = null;
                closeQuietly(copy);
            }
        }

        private void finish() {
            if (done.compareAndSet(false, true)) {
                closeQuietly(client);
                closeQuietly(server);
                closeQuietly(shadow);
                connections.remove(this);
            }
        }

        void reset() {
            if (done.compareAndSet(false, true)) {
                resets.incrementAndGet();
                resetQuietly(client);
                resetQuietly(server);
                resetQuietly(shadow);
                connections.remove(this);
            }
        }
    }
}
