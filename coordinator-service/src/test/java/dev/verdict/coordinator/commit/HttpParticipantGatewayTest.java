package dev.verdict.coordinator.commit;

import static dev.verdict.coordinator.testing.JsonExchanges.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/** Phase 2 over HTTP: decisions that pile up behind a call leave together, and agents without the call get one each. */
class HttpParticipantGatewayTest {

    private static final Pattern SINGLE = Pattern.compile("/verdict/v1/branches/(\\d+)/(commit|abort)");
    private static final Pattern TX_ID = Pattern.compile("\"txId\":(\\d+)");

    /** Answers phase 2; holds the first call until released; knows the batched call only if asked to. */
    private static final class Agent implements AutoCloseable {
        final HttpServer server;
        final boolean knowsBatches;
        final long failingTxId;
        final List<String> calls = new CopyOnWriteArrayList<>();
        /** Calls that come while it is closed wait for it. */
        volatile CountDownLatch gate = new CountDownLatch(0);

        Agent(boolean knowsBatches, long failingTxId) throws IOException {
            this.knowsBatches = knowsBatches;
            this.failingTxId = failingTxId;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/verdict/v1/branches", this::handle);
            server.start();
        }

        ParticipantView view() {
            return new ParticipantView("shard-a", "http://127.0.0.1:" + server.getAddress().getPort(), null, false);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                calls.add(path);
                gate.await(10, TimeUnit.SECONDS);
                Matcher single = SINGLE.matcher(path);
                if (single.matches()) {
                    respond(exchange, 200, "{\"txId\":" + single.group(1) + ",\"participantId\":\"shard-a\",\"outcome\":\""
                            + (single.group(2).equals("commit") ? "COMMITTED" : "ROLLED_BACK") + "\"}");
                } else if (path.equals("/verdict/v1/branches/phase-two") && knowsBatches) {
                    StringBuilder results = new StringBuilder();
                    Matcher txIds = TX_ID.matcher(body);
                    while (txIds.find()) {
                        long txId = Long.parseLong(txIds.group(1));
                        results.append(results.isEmpty() ? "" : ",").append(txId == failingTxId
                                ? "{\"txId\":" + txId + ",\"error\":\"PARTICIPANT_UNAVAILABLE\",\"detail\":\"db down\"}"
                                : "{\"txId\":" + txId + ",\"outcome\":\"COMMITTED\"}");
                    }
                    respond(exchange, 200, "{\"participantId\":\"shard-a\",\"results\":[" + results + "]}");
                } else {
                    respond(exchange, 404, "{\"code\":\"NOT_FOUND\"}");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            gate.countDown();
            server.stop(0);
        }
    }

    private Agent agent;
    private HttpParticipantGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    /**
     * Delivers {@code txIds} while the agent holds the first of them: the others pile up behind it. Returns every
     * delivery's future, once the calls have been let through.
     */
    private List<CompletableFuture<Void>> pileUpBehindAHeldCall(long... txIds) {
        int callsBefore = agent.calls.size();
        agent.gate = new CountDownLatch(1);
        List<CompletableFuture<Void>> deliveries = new ArrayList<>();
        deliveries.add(gateway.deliver(agent.view(), txIds[0], Outcome.COMMIT, 100 + txIds[0]));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.calls.size() == callsBefore + 1);
        for (int i = 1; i < txIds.length; i++) {
            deliveries.add(gateway.deliver(agent.view(), txIds[i], i % 2 == 0 ? Outcome.COMMIT : Outcome.ABORT,
                    100 + txIds[i]));
        }
        agent.gate.countDown();
        return deliveries;
    }

    @Test
    void decisionsThatPiledUpBehindACallLeaveInOneAndEachIsAcknowledgedByItsOwnResult() throws Exception {
        agent = new Agent(true, 3);
        gateway = new HttpParticipantGateway(RestClient.builder(), Duration.ofSeconds(2), 1);

        List<CompletableFuture<Void>> deliveries = pileUpBehindAHeldCall(1, 2, 3, 4);

        deliveries.get(0).get(10, TimeUnit.SECONDS);
        deliveries.get(1).get(10, TimeUnit.SECONDS);
        deliveries.get(3).get(10, TimeUnit.SECONDS);
        assertThat(deliveries.get(2)).as("the decision the agent could not carry out").failsWithin(Duration.ofSeconds(10));
        assertThat(agent.calls).containsExactly("/verdict/v1/branches/1/commit", "/verdict/v1/branches/phase-two");
        assertThat(gateway.phaseTwoCalls()).isEqualTo(2);
        assertThat(gateway.phaseTwoDecisions()).isEqualTo(4);
    }

    @Test
    void anAgentWithoutTheBatchedCallGetsOneCallPerDecision() throws Exception {
        agent = new Agent(false, -1);
        gateway = new HttpParticipantGateway(RestClient.builder(), Duration.ofSeconds(2), 1);

        for (CompletableFuture<Void> delivery : pileUpBehindAHeldCall(1, 2, 3)) {
            delivery.get(10, TimeUnit.SECONDS);
        }
        assertThat(agent.calls).startsWith("/verdict/v1/branches/1/commit", "/verdict/v1/branches/phase-two")
                .containsExactlyInAnyOrder("/verdict/v1/branches/1/commit", "/verdict/v1/branches/phase-two",
                        "/verdict/v1/branches/2/abort", "/verdict/v1/branches/3/commit");

        // it is not asked again: the next pile-up goes one call per decision at once
        for (CompletableFuture<Void> delivery : pileUpBehindAHeldCall(4, 5, 6)) {
            delivery.get(10, TimeUnit.SECONDS);
        }
        assertThat(agent.calls).filteredOn(path -> path.endsWith("phase-two")).hasSize(1);
        assertThat(agent.calls).hasSize(7).contains("/verdict/v1/branches/5/abort", "/verdict/v1/branches/6/commit");
    }

    /**
     * A participant that comes back at another address (an agent restarted on a new port) is not refused because
     * its old address failed: the circuit breaker belongs to the endpoint, not to the participant's name.
     */
    @Test
    void aParticipantAtANewEndpointIsCalledWhileItsOldEndpointsBreakerIsOpen() throws Exception {
        agent = new Agent(true, -1);
        gateway = new HttpParticipantGateway(RestClient.builder(), Duration.ofSeconds(2), 1);
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ParticipantView gone = new ParticipantView("shard-a", "http://127.0.0.1:" + closedPort, null, false);
        for (int i = 0; i < 10; i++) {
            assertThat(gateway.prepare(gone, 1)).as("its old address refuses connections").failsWithin(Duration.ofSeconds(10));
        }

        CompletableFuture<?> prepare = gateway.prepare(agent.view(), 2);

        // the stand-in agent does not know PREPARE (404): what matters is that the call reached it
        assertThat(prepare).failsWithin(Duration.ofSeconds(10));
        assertThat(agent.calls).containsExactly("/verdict/v1/branches/2/prepare");
    }
}
