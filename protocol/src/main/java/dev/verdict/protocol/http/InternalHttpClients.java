package dev.verdict.protocol.http;

import java.time.Duration;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

/**
 * The HTTP client of every call between Verdict's processes (a coordinator calling an agent, an agent or an app
 * calling a coordinator, the bank's gateway calling a shard): Apache HttpClient 5's classic, blocking client,
 * HTTP/1.1 with connections kept alive and pooled, each exchange bounded by {@code readTimeout} of silence on the
 * socket, and ended sooner when its peer's machine is found gone ({@link SilentPeerWatch}).
 *
 * <p>Why this client: the callers run on virtual threads, where a blocking socket read parks the caller and
 * nothing else. The JDK {@code HttpClient} (used until session 13) is asynchronous inside even for {@code send}:
 * its selector thread reads the response and hands it to an executor that completes the caller's future, two
 * thread hand-offs per exchange. Measured in the benchmark (docs/benchmarks.md, "Session 13"): 0.6-1.6 ms less
 * CPU per transfer and 7-17 % more transfers a second at 8 clients.
 */
public final class InternalHttpClients {

    /** Connections kept per peer: each open call holds one, and a coordinator has up to hundreds in flight. */
    private static final int CONNECTIONS_PER_PEER = 512;

    private InternalHttpClients() {
    }

    public static ClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout) {
        CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(CONNECTIONS_PER_PEER)
                        .setMaxConnTotal(CONNECTIONS_PER_PEER * 8)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(readTimeout))
                                // a peer's keep-alive timeout may have closed an idle connection
                                .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(readTimeout))
                        // more calls in flight to one peer than the pool holds wait for a connection, boundedly
                        .setConnectionRequestTimeout(Timeout.of(readTimeout))
                        .build())
                // outermost, so that it covers the wait for a connection, the connect and the exchange
                .addExecInterceptorFirst("silent-peer-watch", SilentPeerWatch.SHARED)
                // every Verdict call is idempotent and retried by its caller's own policy, with its own bound
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .build();
        return new HttpComponentsClientHttpRequestFactory(client);
    }
}
