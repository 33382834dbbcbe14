package dev.verdict.participant.support;

import dev.verdict.protocol.Headers;
import dev.verdict.protocol.participant.ParticipantApi;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * One running instance of the bank test app with the starter: its own PostgreSQL, its own participant id.
 * The test plays the coordinator through {@link #participant()}, and the client through {@link #debit}/{@link #credit}.
 */
public final class Shard implements AutoCloseable {

    private final String participantId;
    private final ConfigurableApplicationContext context;
    private final URI url;
    private final ParticipantApi participant;
    private final RestClient http;

    private Shard(String participantId, ConfigurableApplicationContext context) {
        this.participantId = participantId;
        this.context = context;
        this.url = URI.create("http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort());
        this.http = RestClient.builder().baseUrl(url.toString()).build();
        this.participant = HttpServiceProxyFactory.builderFor(RestClientAdapter.create(http)).build()
                .createClient(ParticipantApi.class);
    }

    public static Shard start(String participantId, TestPostgres pg, List<URI> coordinatorUrls, String... moreProperties) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "spring.main.banner-mode=off",
                "spring.datasource.url=" + pg.jdbcUrl(),
                "spring.datasource.username=postgres",
                "spring.datasource.hikari.maximum-pool-size=8",
                "spring.datasource.hikari.connection-timeout=1000",
                "verdict.participant.participant-id=" + participantId,
                "verdict.participant.coordinator-urls=" + String.join(",", coordinatorUrls.stream().map(URI::toString).toList()),
                "verdict.participant.recovery-interval=200ms",
                "verdict.participant.reaper-interval=100ms",
                "verdict.participant.lock-timeout=1s",
                "verdict.participant.read-timeout=3s",
                "verdict.client.outcome-poll-timeout=3s"));
        properties.addAll(List.of(moreProperties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(BankTestApp.class)
                .properties(properties.toArray(String[]::new))
                .run();
        return new Shard(participantId, context);
    }

    public String participantId() {
        return participantId;
    }

    public URI url() {
        return url;
    }

    public ParticipantApi participant() {
        return participant;
    }

    public RestClient http() {
        return http;
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public ResponseEntity<String> debit(long txId, String account, long amount) {
        return post(txId, "/accounts/" + account + "/debit?amount=" + amount);
    }

    public ResponseEntity<String> credit(long txId, String account, long amount) {
        return post(txId, "/accounts/" + account + "/credit?amount=" + amount);
    }

    private ResponseEntity<String> post(long txId, String path) {
        return http.post().uri(path)
                .header(Headers.TRANSACTION, Long.toString(txId))
                .retrieve()
                .onStatus(status -> true, (request, response) -> { })
                .toEntity(String.class);
    }

    @Override
    public void close() {
        context.close();
    }
}
