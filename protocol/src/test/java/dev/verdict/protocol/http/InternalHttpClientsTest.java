package dev.verdict.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

class InternalHttpClientsTest {

    private final ExecutorService serverThreads = Executors.newVirtualThreadPerTaskExecutor();
    /** Holds the slow endpoint's answer back until the test has seen the timeout. */
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final CountDownLatch slowArrived = new CountDownLatch(1);
    private HttpServer server;
    private RestClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(serverThreads);
        server.createContext("/echo", exchange -> answer(exchange, 200, "application/json",
                "{\"method\":\"" + exchange.getRequestMethod() + "\",\"tx\":\""
                        + exchange.getRequestHeaders().getFirst("Verdict-Tx") + "\",\"body\":"
                        + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "}"));
        server.createContext("/missing", exchange -> answer(exchange, 404, "application/problem+json",
                "{\"code\":\"TRANSACTION_NOT_FOUND\"}"));
        server.createContext("/slow", exchange -> {
            slowArrived.countDown();
            try {
                releaseSlow.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "application/json", "{}");
        });
        server.createContext("/slower-than-the-suspicion", exchange -> {
            try {
                // the peer's own slowness, which is the scenario: alive, busy past the watch's suspicion
                Thread.sleep(SilentPeerWatch.SUSPECT_AFTER.plus(SilentPeerWatch.SWEEP.multipliedBy(3)).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "application/json", "{\"slow\":true}");
        });
        server.start();
        client = RestClient.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .requestFactory(InternalHttpClients.requestFactory(Duration.ofSeconds(1), Duration.ofMillis(300)))
                .build();
    }

    @AfterEach
    void stop() {
        releaseSlow.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void aRequestCarriesItsMethodHeadersAndBodyAndTheAnswerIsRead() {
        String echo = client.post().uri("/echo")
                .header("Verdict-Tx", "42")
                .contentType(MediaType.APPLICATION_JSON)
                .body("{\"amount\":7}")
                .retrieve()
                .body(String.class);

        assertThat(echo).isEqualTo("{\"method\":\"POST\",\"tx\":\"42\",\"body\":{\"amount\":7}}");
    }

    @Test
    void anErrorStatusReachesTheCallerWithItsBody() {
        assertThatThrownBy(() -> client.get().uri("/missing").retrieve().toBodilessEntity())
                .isInstanceOfSatisfying(HttpClientErrorException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
                    assertThat(e.getResponseBodyAsString()).contains("TRANSACTION_NOT_FOUND");
                    assertThat(e.getResponseHeaders().getContentType())
                            .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
                });
    }

    @Test
    void anAnswerSlowerThanTheTimeoutFailsAsATimeout() {
        assertThatThrownBy(() -> client.get().uri("/slow").retrieve().toBodilessEntity())
                .isInstanceOf(ResourceAccessException.class)
                .hasCauseInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void anInterruptedCallEndsAndKeepsTheInterrupt() throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                RestClient patient = client.mutate()
                        .requestFactory(InternalHttpClients.requestFactory(Duration.ofSeconds(1), Duration.ofSeconds(30)))
                        .build();
                patient.get().uri("/slow").retrieve().toBodilessEntity();
                outcome.complete(null);
            } catch (RuntimeException e) {
                outcome.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("interrupt lost", e));
            }
        });
        // Interrupted once the server holds the exchange, so the call is under way, not yet to start.
        assertThat(slowArrived.await(5, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();

        assertThat(outcome.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ResourceAccessException.class)
                // a virtual thread's socket closed by the interrupt
                .hasCauseInstanceOf(SocketException.class);
    }

    /**
     * A machine that died: the connection already open stays silent (no reset, no answer) and its port takes no
     * new connection. The call ends as an I/O error once the watch finds that out, not after its 30 s read timeout.
     */
    @Test
    void aCallToAPeerWhoseMachineIsGoneEndsLongBeforeItsReadTimeout() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> silent = CompletableFuture.supplyAsync(() -> {
                try {
                    Socket connection = listener.accept();
                    readRequestHead(connection.getInputStream());
                    listener.close();
                    return connection;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, serverThreads);
            RestClient patient = RestClient.builder()
                    .baseUrl("http://127.0.0.1:" + listener.getLocalPort())
                    .requestFactory(InternalHttpClients.requestFactory(Duration.ofSeconds(1), Duration.ofSeconds(30)))
                    .build();

            assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
                    assertThatThrownBy(() -> patient.post().uri("/v1/transactions/7/commit").retrieve().toBodilessEntity())
                            .isInstanceOf(ResourceAccessException.class)
                            // its connection closed by the watch, where the read timeout would give a SocketTimeoutException
                            .hasRootCauseInstanceOf(SocketException.class));
            silent.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aPeerThatIsSlowButAliveIsWaitedFor() {
        RestClient patient = client.mutate()
                .requestFactory(InternalHttpClients.requestFactory(Duration.ofSeconds(1), Duration.ofSeconds(30)))
                .build();

        String answer = patient.get().uri("/slower-than-the-suspicion").retrieve().body(String.class);

        assertThat(answer).isEqualTo("{\"slow\":true}");
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client closed before its request head ended");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
