package dev.verdict.bank.loadgen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the bank gateway's HTTP API (in memory, one lock): transfers commit when covered, are refused
 * with 409 INSUFFICIENT_FUNDS otherwise, and every {@code failEvery}-th one answers 503. Counts what it answered.
 */
final class FakeGateway implements AutoCloseable {

    private static final Pattern FIELD = Pattern.compile("\"(from|to|amount)\"\\s*:\\s*(\\d+)");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Long, Long> balances = new HashMap<>();
    private final long expectedTotal;
    private final int failEvery;
    private final AtomicLong requests = new AtomicLong();
    final AtomicLong committed = new AtomicLong();
    final AtomicLong insufficient = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    FakeGateway(int accounts, long initialBalance, int failEvery) throws IOException {
        for (long id = 1; id <= accounts; id++) {
            balances.put(id, initialBalance);
        }
        this.expectedTotal = accounts * initialBalance;
        this.failEvery = failEvery;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/api/transfers", this::transfer);
        server.createContext("/api/audit", this::audit);
        server.createContext("/api/accounts", this::accounts);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void transfer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, Long> fields = new HashMap<>();
        Matcher m = FIELD.matcher(body);
        while (m.find()) {
            fields.put(m.group(1), Long.parseLong(m.group(2)));
        }
        long n = requests.incrementAndGet();
        if (failEvery > 0 && n % failEvery == 0) {
            failed.incrementAndGet();
            send(exchange, 503, "{\"status\":503,\"code\":\"NO_QUORUM\"}");
            return;
        }
        long from = fields.get("from");
        long to = fields.get("to");
        long amount = fields.get("amount");
        boolean covered;
        synchronized (balances) {
            covered = balances.get(from) >= amount;
            if (covered) {
                balances.merge(from, -amount, Long::sum);
                balances.merge(to, amount, Long::sum);
            }
        }
        if (covered) {
            committed.incrementAndGet();
            send(exchange, 200, "{\"transferId\":\"t" + n + "\",\"txId\":" + n + ",\"state\":\"COMMITTED\",\"reason\":null}");
        } else {
            insufficient.incrementAndGet();
            send(exchange, 409, "{\"status\":409,\"code\":\"INSUFFICIENT_FUNDS\",\"txId\":" + n + "}");
        }
    }

    private void audit(HttpExchange exchange) throws IOException {
        long total;
        long negative;
        synchronized (balances) {
            total = balances.values().stream().mapToLong(Long::longValue).sum();
            negative = balances.values().stream().filter(b -> b < 0).count();
        }
        send(exchange, 200, "{\"total\":" + total + ",\"expectedTotal\":" + expectedTotal + ",\"accounts\":"
                + balances.size() + ",\"negative\":" + negative + ",\"consistent\":" + (total == expectedTotal && negative == 0) + "}");
    }

    private void accounts(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        int offset = query != null && query.contains("offset=") ? Integer.parseInt(query.replaceAll(".*offset=(\\d+).*", "$1")) : 0;
        StringBuilder json = new StringBuilder("[");
        synchronized (balances) {
            balances.keySet().stream().sorted().skip(offset).forEach(id -> json.append(json.length() > 1 ? "," : "")
                    .append("{\"id\":").append(id).append(",\"shard\":").append(id % 2).append(",\"balance\":")
                    .append(balances.get(id)).append('}'));
        }
        send(exchange, 200, json.append(']').toString());
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
