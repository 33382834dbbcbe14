package dev.verdict.bank.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/stalls", exchange -> {
            // the headers and part of the body, then nothing until the test ends
            exchange.sendResponseHeaders(200, 100);
            OutputStream body = exchange.getResponseBody();
            body.write("{\"partial\":".getBytes(StandardCharsets.UTF_8));
            body.flush();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.createContext("/answers", exchange -> {
            byte[] json = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, json.length);
            exchange.getResponseBody().write(json);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void aBodyThatStallsAfterTheHeadersEndsTheCallAtItsTimeout() {
        Http http = new Http(Duration.ofSeconds(2));
        // the guard only turns a hang into a failure; the bound under test is the call's own 1-second timeout
        assertTimeoutPreemptively(Duration.ofMinutes(1), () ->
                assertThatThrownBy(() -> http.get(uri("/stalls"), Duration.ofSeconds(1)))
                        .isInstanceOf(HttpTimeoutException.class)
                        .hasMessageContaining("/stalls"));
    }

    @Test
    void aCompleteAnswerIsParsed() throws Exception {
        Http.Response response = new Http(Duration.ofSeconds(2)).get(uri("/answers"), Duration.ofSeconds(5));

        assertThat(response.ok()).isTrue();
        assertThat(response.json().get("ok").asBoolean()).isTrue();
    }
}
