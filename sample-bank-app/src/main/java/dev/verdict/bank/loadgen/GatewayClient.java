package dev.verdict.bank.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bank gateway's public API over the JDK {@link HttpClient} (HTTP/1.1, one client for all load clients, so
 * connections are kept alive and reused):
 * {@code POST /api/transfers}, {@code GET /api/audit}, {@code GET /api/accounts}.
 */
public final class GatewayClient implements TransferExecutor, AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final Duration requestTimeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    public GatewayClient(URI base, Duration connectTimeout, Duration requestTimeout) {
        String url = base.toString();
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .executor(executor)
                .build();
    }

    public URI base() {
        return base;
    }

    /** {@code POST /api/transfers}: 200 COMMITTED/ABORTED, 409 INSUFFICIENT_FUNDS, anything else is an error. */
    @Override
    public Outcome execute(Transfer transfer) throws IOException, InterruptedException {
        String body = "{\"from\":" + transfer.from() + ",\"to\":" + transfer.to() + ",\"amount\":" + transfer.amount() + "}";
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/transfers"))
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return parseTransferResponse(response.statusCode(), response.body());
    }

    /** Maps the gateway's answer to an outcome (see the API contract in the README). */
    static Outcome parseTransferResponse(int status, String body) {
        JsonNode json = parse(body);
        if (status == 200 || status == 201) {
            long txId = json.path("txId").asLong(-1);
            String state = json.path("state").asString("");
            return switch (state) {
                case "COMMITTED" -> Outcome.committed(txId);
                case "ABORTED" -> Outcome.aborted(txId, json.path("reason").asString(""));
                default -> Outcome.error("unexpected-state:" + (state.isEmpty() ? "none" : state));
            };
        }
        String code = json.path("code").asString("");
        if (status == 409 && "INSUFFICIENT_FUNDS".equals(code)) {
            return Outcome.insufficientFunds(json.path("txId").asLong(-1));
        }
        return Outcome.httpError(status, code);
    }

    /** {@code GET /api/audit}. */
    public Audit audit() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/audit");
        if (response.statusCode() != 200) {
            throw new IOException("GET /api/audit answered " + response.statusCode() + ": " + response.body());
        }
        return parseAudit(response.body());
    }

    static Audit parseAudit(String body) {
        JsonNode json = parse(body);
        return new Audit(json.path("total").asLong(0), json.path("expectedTotal").asLong(0),
                countOf(json.path("accounts")), countOf(json.path("negative")), json.path("consistent").asBoolean(false));
    }

    /** A number, or the size of a list (the audit may list the negative accounts rather than count them). */
    private static long countOf(JsonNode node) {
        if (node.isArray()) {
            return node.size();
        }
        return node.asLong(0);
    }

    /** Every account id, read page by page from {@code GET /api/accounts?limit=&offset=}. */
    public List<Long> accountIds() throws IOException, InterruptedException {
        List<Long> ids = new ArrayList<>();
        int limit = 500;
        for (int offset = 0; ; offset += limit) {
            HttpResponse<String> response = get("/api/accounts?limit=" + limit + "&offset=" + offset);
            if (response.statusCode() != 200) {
                throw new IOException("GET /api/accounts answered " + response.statusCode() + ": " + response.body());
            }
            List<Long> page = parseAccountIds(response.body());
            ids.addAll(page);
            if (page.size() < limit) {
                return ids;
            }
        }
    }

    /** Accepts a bare list of accounts or a page object holding one ({@code accounts}, {@code items}, {@code content}). */
    static List<Long> parseAccountIds(String body) {
        JsonNode json = parse(body);
        JsonNode list = json;
        if (!json.isArray()) {
            for (String field : List.of("accounts", "items", "content", "data")) {
                if (json.path(field).isArray()) {
                    list = json.path(field);
                    break;
                }
            }
        }
        List<Long> ids = new ArrayList<>();
        if (list.isArray()) {
            for (JsonNode account : list) {
                ids.add(account.path("id").asLong());
            }
        }
        return ids;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return JSON.missingNode();
        }
    }

    @Override
    public void close() {
        http.close();
        executor.close();
    }
}
