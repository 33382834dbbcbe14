package dev.verdict.bank.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** An upstream that echoes, counts connections, keeps what it received per connection and can push to clients. */
    private static final class Upstream implements AutoCloseable {
        final ServerSocket server;
        final List<StringBuffer> received = new CopyOnWriteArrayList<>();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        final boolean echo;

        Upstream(boolean echo) throws IOException {
            this.echo = echo;
            server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        sockets.add(s);
                        StringBuffer got = new StringBuffer();
                        received.add(got);
                        Thread.ofVirtual().start(() -> serve(s, got));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        void serve(Socket s, StringBuffer got) {
            byte[] buffer = new byte[1024];
            try (s) {
                InputStream in = s.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    got.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (echo) {
                        s.getOutputStream().write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        InetSocketAddress address() {
            return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        }

        String all() {
            return String.join("|", received.stream().map(StringBuffer::toString).toList());
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private Upstream upstream;
    private TcpProxy proxy;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        for (Socket c : clients) {
            c.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(boolean echo) throws IOException {
        upstream = new Upstream(echo);
        proxy = TcpProxy.start("test", new InetSocketAddress("127.0.0.1", 0), upstream.address());
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(proxy.address(), 5_000);
        s.setSoTimeout((int) PATIENCE.toMillis());
        clients.add(s);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String receive(Socket s, int length) throws IOException {
        byte[] bytes = s.getInputStream().readNBytes(length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void forwardsBothWays() throws IOException {
        start(true);
        Socket c = connect();
        send(c, "hello");
        assertThat(receive(c, 5)).isEqualTo("hello");
        // counters move just after each write: the echo may come back first
        await().atMost(PATIENCE).until(() -> proxy.stats().bytesUp() == 5 && proxy.stats().bytesDown() == 5);
    }

    @Test
    void aCutStopsEveryByteBothWaysAndHealResetsWhatLivedThroughIt() throws Exception {
        start(false);
        Socket c = connect();
        send(c, "before");
        await().atMost(PATIENCE).until(() -> upstream.all().equals("before") && proxy.stats().bytesUp() == 6);
        Socket serverSide = upstream.sockets.getFirst();

        proxy.cut();
        send(c, "during");
        serverSide.getOutputStream().write("back".getBytes(StandardCharsets.UTF_8));
        Socket duringCut = connect(); // accepted, but never connected upstream
        send(duringCut, "new");

        // nothing crosses: the client reads nothing, the upstream gets no bytes and no new connection
        c.setSoTimeout(700);
        assertThatThrownBy(() -> c.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(upstream.all()).isEqualTo("before");
        assertThat(upstream.connections.get()).isEqualTo(1);
        assertThat(proxy.stats().bytesUp()).isEqualTo(6);
        assertThat(proxy.stats().bytesDown()).isZero();

        proxy.heal();
        // both connections that lived through the cut are reset
        for (Socket s : List.of(c, duringCut)) {
            s.setSoTimeout((int) PATIENCE.toMillis());
            assertThatThrownBy(() -> {
                if (s.getInputStream().read() >= 0) {
                    throw new AssertionError("read data after heal");
                }
                throw new IOException("closed");
            }).isInstanceOf(IOException.class);
        }
        assertThat(upstream.all()).isEqualTo("before");

        Socket after = connect();
        send(after, "after");
        await().atMost(PATIENCE).until(() -> upstream.all().endsWith("after"));
        assertThat(upstream.connections.get()).isEqualTo(2);
    }

    @Test
    void delayHoldsEveryChunkAtLeastThatLongInOrder() throws IOException {
        start(true);
        proxy.delay(Duration.ofMillis(150));
        Socket c = connect();
        long start = System.nanoTime();
        send(c, "ab");
        send(c, "cd");
        assertThat(receive(c, 4)).isEqualTo("abcd");
        // there and back: delayed twice; only a lower bound is certain on a busy machine
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        proxy.delay(Duration.ZERO);
        send(c, "e");
        assertThat(receive(c, 1)).isEqualTo("e");
    }

    @Test
    void duplicateDeliversEveryRequestTwiceAndOneAnswer() throws IOException {
        start(true);
        Socket plain = connect();
        send(plain, "x");
        assertThat(receive(plain, 1)).isEqualTo("x");

        proxy.duplicate(true);
        // turning duplication on reset the open connection, so the copy starts at once on new ones
        plain.setSoTimeout((int) PATIENCE.toMillis());
        assertThatThrownBy(() -> {
            if (plain.getInputStream().read() >= 0) {
                throw new AssertionError("data");
            }
            throw new IOException("closed");
        }).isInstanceOf(IOException.class);

        Socket c = connect();
        send(c, "req1");
        assertThat(receive(c, 4)).isEqualTo("req1");
        await().atMost(PATIENCE).until(() -> upstream.received.stream().filter(b -> b.toString().equals("req1")).count() == 2);
        await().atMost(PATIENCE).until(() -> proxy.stats().bytesDuplicated() == 4);
        // only one answer reached the client
        c.setSoTimeout(500);
        assertThatThrownBy(() -> c.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

        proxy.duplicate(false);
        Socket single = connect();
        send(single, "one");
        assertThat(receive(single, 3)).isEqualTo("one");
        assertThat(upstream.received.stream().filter(b -> b.toString().equals("one")).count()).isEqualTo(1);
    }

    @Test
    void halfCloseIsPassedOn() throws IOException {
        start(true);
        Socket c = connect();
        send(c, "bye");
        c.shutdownOutput();
        assertThat(receive(c, 3)).isEqualTo("bye");
        assertThat(c.getInputStream().read()).isEqualTo(-1);
        await().atMost(PATIENCE).until(() -> proxy.openConnections() == 0);
    }

    @Test
    void closeReleasesThePort() throws IOException {
        start(true);
        InetSocketAddress address = proxy.address();
        connect();
        proxy.close();
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(address);
            assertThat(again.getLocalPort()).isEqualTo(address.getPort());
        }
    }

    @Test
    void listensOnAnyLoopbackAddress() throws IOException {
        start(true);
        proxy.close();
        proxy = TcpProxy.start("alias", new InetSocketAddress("127.77.1.2", 0), upstream.address());
        assertThat(proxy.address().getAddress().getHostAddress()).isEqualTo("127.77.1.2");
        Socket c = connect();
        send(c, "hi");
        assertThat(receive(c, 2)).isEqualTo("hi");
    }
}
