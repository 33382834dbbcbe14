package dev.verdict.coordinator.it;

import static dev.verdict.coordinator.testing.JsonExchanges.respond;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP participant without a database, whose answers a test scripts per step: answer, hold until released
 * (to freeze the protocol at a chosen point), or fail with 503. It records every call it answered.
 */
final class StubParticipant implements AutoCloseable {

    enum Behavior { ANSWER, HOLD, FAIL }

    record Call(String step, long txId) {
    }

    private static final Pattern PATH = Pattern.compile("/verdict/v1/branches/(\\d+)/(prepare|commit|abort)");

    final String id;
    private final HttpServer server;
    private final List<Call> received = new CopyOnWriteArrayList<>();
    private final List<Call> answered = new CopyOnWriteArrayList<>();
    private volatile String vote = "YES";
    private volatile Behavior prepare = Behavior.ANSWER;
    private volatile Behavior phaseTwo = Behavior.ANSWER;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    StubParticipant(String id) throws IOException {
        this.id = id;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/verdict/v1/branches", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void vote(String vote) {
        this.vote = vote;
    }

    /** Held calls wait until {@link #release()}. */
    void onPrepare(Behavior behavior) {
        if (behavior == Behavior.HOLD) {
            gate = new CountDownLatch(1);
        }
        prepare = behavior;
    }

    void onPhaseTwo(Behavior behavior) {
        if (behavior == Behavior.HOLD) {
            gate = new CountDownLatch(1);
        }
        phaseTwo = behavior;
    }

    void release() {
        prepare = Behavior.ANSWER;
        phaseTwo = Behavior.ANSWER;
        gate.countDown();
    }

    List<Call> received() {
        return List.copyOf(received);
    }

    List<Call> answered() {
        return List.copyOf(answered);
    }

    boolean answered(String step, long txId) {
        return answered.contains(new Call(step, txId));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            if (!path.matches()) {
                respond(exchange, 404, "{}");
                return;
            }
            Call call = new Call(path.group(2), Long.parseLong(path.group(1)));
            received.add(call);
            Behavior behavior = call.step().equals("prepare") ? prepare : phaseTwo;
            if (behavior == Behavior.HOLD) {
                gate.await(30, TimeUnit.SECONDS);
                behavior = Behavior.ANSWER;
            }
            if (behavior == Behavior.FAIL) {
                respond(exchange, 503, "{\"code\":\"PARTICIPANT_UNAVAILABLE\"}");
                return;
            }
            String body = call.step().equals("prepare")
                    ? "{\"vote\":\"" + vote + "\"}"
                    : "{\"txId\":" + call.txId() + ",\"participantId\":\"" + id + "\",\"outcome\":\""
                    + (call.step().equals("commit") ? "COMMITTED" : "ROLLED_BACK") + "\"}";
            respond(exchange, 200, body);
            answered.add(call);
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
