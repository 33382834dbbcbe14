package dev.verdict.bank.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The launcher's process control API, on the loopback interface only (the gateway proxies it for the page):
 *
 * <ul>
 *   <li>{@code GET /processes}: every process with its state;</li>
 *   <li>{@code POST /processes/{name}/kill}: SIGKILL (a crash, for PostgreSQL too);</li>
 *   <li>{@code POST /processes/{name}/restart}: start it again on the same ports and data.</li>
 * </ul>
 */
final class ControlServer implements AutoCloseable {

    private static final Pattern ACTION = Pattern.compile("^/processes/([A-Za-z0-9._-]+)/(kill|restart)$");

    private final DemoTopology topology;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final JsonMapper json = JsonMapper.builder().build();

    ControlServer(DemoTopology topology, int port) {
        this.topology = topology;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the control API on port " + port, e);
        }
        server.setExecutor(executor);
        server.createContext("/processes", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/processes") || path.equals("/processes/")) {
                if (!method.equals("GET")) {
                    problem(exchange, 405, "METHOD_NOT_ALLOWED", "use GET");
                    return;
                }
                send(exchange, 200, infos(topology.processes()));
                return;
            }
            Matcher matcher = ACTION.matcher(path);
            if (!matcher.matches()) {
                problem(exchange, 404, "NOT_FOUND", "no resource at " + path);
                return;
            }
            if (!method.equals("POST")) {
                problem(exchange, 405, "METHOD_NOT_ALLOWED", "use POST");
                return;
            }
            Optional<Controllable> process = topology.process(matcher.group(1));
            if (process.isEmpty()) {
                problem(exchange, 404, "PROCESS_NOT_FOUND", "no process " + matcher.group(1));
                return;
            }
            try {
                if (matcher.group(2).equals("kill")) {
                    process.get().kill();
                } else {
                    process.get().restart();
                }
            } catch (RuntimeException e) {
                problem(exchange, 500, "CONTROL_FAILED", matcher.group(2) + " of " + matcher.group(1) + " failed: " + e.getMessage());
                return;
            }
            send(exchange, 200, process.get().info());
        } catch (RuntimeException e) {
            problem(exchange, 500, "INTERNAL_ERROR", String.valueOf(e.getMessage()));
        }
    }

    /** Every process's state, asked in parallel (a health check may take up to a second). */
    private List<ProcessInfo> infos(List<Controllable> processes) {
        List<Future<ProcessInfo>> asks = processes.stream().map(p -> executor.submit(p::info)).toList();
        return asks.stream().map(f -> {
            try {
                return f.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private void problem(HttpExchange exchange, int status, String code, String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", code.replace('_', ' ').toLowerCase());
        body.put("status", status);
        body.put("detail", detail);
        body.put("code", code);
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        write(exchange, status, json.writeValueAsBytes(body));
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        write(exchange, status, json.writeValueAsBytes(body));
    }

    private static void write(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
