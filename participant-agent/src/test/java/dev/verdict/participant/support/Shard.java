package dev.verdict.participant.support;

import dev.verdict.protocol.Headers;
import dev.verdict.protocol.participant.ParticipantApi;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.participant.ParticipantAddressApi;
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
 * A {@link ParticipantGate} in front of its 2PC endpoints lets a test hold or fail the coordinator's calls.
 */
public final class Shard implements AutoCloseable {

    /** Recovery runs once at start and then not for an hour: only the coordinator's phase 2 can resolve a branch. */
    public static final String RECOVERY_ONLY_AT_START = "verdict.participant.recovery-interval=1h";
    /** The deadline reaper does not run: only the coordinator's abort can end an abandoned branch. */
    public static final String NO_REAPER = "verdict.participant.reaper-interval=1h";

    private final String participantId;
    private final TestPostgres pg;
    private final List<URI> coordinatorUrls;
    private final List<String> moreProperties;
    private final ParticipantGate gate;
    private final ConfigurableApplicationContext context;
    private final URI url;
    private final ParticipantApi participant;
    private final RestClient http;

    private Shard(String participantId, TestPostgres pg, List<URI> coordinatorUrls, List<String> moreProperties,
            ParticipantGate gate, ConfigurableApplicationContext context) {
        this.participantId = participantId;
        this.pg = pg;
        this.coordinatorUrls = coordinatorUrls;
        this.moreProperties = moreProperties;
        this.gate = gate;
        this.context = context;
        this.url = URI.create("http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort());
        this.http = RestClient.builder().baseUrl(url.toString()).build();
        this.participant = HttpServiceProxyFactory.builderFor(RestClientAdapter.create(http)).build()
                .createClient(ParticipantApi.class);
    }

    /** Later properties win over earlier ones (and over these defaults). */
    public static Shard start(String participantId, TestPostgres pg, List<URI> coordinatorUrls, String... moreProperties) {
        return start(participantId, pg, coordinatorUrls, new ParticipantGate(), List.of(moreProperties));
    }

    private static Shard start(String participantId, TestPostgres pg, List<URI> coordinatorUrls, ParticipantGate gate,
            List<String> moreProperties) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "spring.main.banner-mode=off",
                TestApps.OWN_CONFIG,
                "spring.datasource.url=" + pg.jdbcUrl(),
                "spring.datasource.username=postgres",
                "spring.datasource.hikari.maximum-pool-size=8",
                "spring.datasource.hikari.connection-timeout=1000",
                "verdict.participant.participant-id=" + participantId,
                "verdict.participant.coordinator-urls=" + String.join(",", coordinatorUrls.stream().map(URI::toString).toList()),
                "verdict.participant.recovery-interval=200ms",
                "verdict.participant.reaper-interval=100ms",
                "verdict.participant.lock-timeout=1s",
                "verdict.participant.read-timeout=20s", // longer than a coordinator write may take (RealCoordinator)
                "verdict.client.outcome-poll-timeout=3s"));
        properties.addAll(moreProperties);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(BankTestApp.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("participantGate", gate))
                .properties(properties.toArray(String[]::new))
                .run();
        return new Shard(participantId, pg, coordinatorUrls, List.copyOf(moreProperties), gate, context);
    }

    /**
     * A new agent in place of this stopped one: same participant id, database, properties and port (the
     * coordinator calls the URL the agent enlisted with), plus {@code overrides}. Its gate is set before it starts,
     * so no coordinator call can slip past it.
     */
    public Shard startAgain(ParticipantGate newGate, String... overrides) {
        List<String> properties = new ArrayList<>(moreProperties);
        properties.add("server.port=" + url.getPort());
        properties.addAll(List.of(overrides));
        return start(participantId, pg, coordinatorUrls, newGate, properties);
    }

    /** This participant's GID for txId, as in pg_prepared_xacts. */
    public String gid(long txId) {
        return "verdict:verdict:" + txId + ":" + participantId;
    }

    public ParticipantGate gate() {
        return gate;
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

    /** What the agent answers at {@code GET /verdict/v1/participant}. */
    public ParticipantAddress address() {
        return http.get().uri(ParticipantAddressApi.PATH).retrieve().body(ParticipantAddress.class);
    }

    public RestClient http() {
        return http;
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public ResponseEntity<String> debit(long txId, String account, long amount) {
        return debit(txId, null, account, amount);
    }

    public ResponseEntity<String> credit(long txId, String account, long amount) {
        return credit(txId, null, account, amount);
    }

    /** A debit that forwards {@code declaration} (a coordinator's seal, or null) as a client would. */
    public ResponseEntity<String> debit(long txId, String declaration, String account, long amount) {
        return post(txId, declaration, "/accounts/" + account + "/debit?amount=" + amount);
    }

    public ResponseEntity<String> credit(long txId, String declaration, String account, long amount) {
        return post(txId, declaration, "/accounts/" + account + "/credit?amount=" + amount);
    }

    private ResponseEntity<String> post(long txId, String declaration, String path) {
        return http.post().uri(path)
                .header(Headers.TRANSACTION, Long.toString(txId))
                .headers(headers -> {
                    if (declaration != null) {
                        headers.set(Headers.DECLARATION, declaration);
                    }
                })
                .retrieve()
                .onStatus(status -> true, (request, response) -> { })
                .toEntity(String.class);
    }

    /** Stops the agent (PostgreSQL keeps running): open branches die with it, prepared ones stay prepared. */
    @Override
    public void close() {
        gate.release(); // a held call would delay the web server's shutdown
        context.close();
    }
}
