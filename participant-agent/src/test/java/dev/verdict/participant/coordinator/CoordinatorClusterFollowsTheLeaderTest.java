package dev.verdict.participant.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.verdict.participant.support.RealCoordinator;
import dev.verdict.protocol.Headers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/**
 * The coordinator names itself and the ready leader on every answer; the starter's client uses that to send its
 * calls to the leader, and follows the leader when it changes.
 */
class CoordinatorClusterFollowsTheLeaderTest {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static RealCoordinator coordinator;

    @BeforeAll
    static void start() {
        coordinator = RealCoordinator.start();
    }

    @AfterAll
    static void stop() {
        coordinator.close();
    }

    @AfterEach
    void restart() {
        coordinator.restartKilledNodes();
    }

    private static dev.verdict.coordinator.it.CoordinatorCluster nodes() {
        return coordinator.cluster();
    }

    @Test
    void everyAnswerNamesTheNodeAndTheReadyLeaderProblemsIncluded() throws Exception {
        var leader = nodes().awaitLeader();
        var follower = nodes().follower();

        // the follower names the leader once it has applied an entry of the leader's term
        HttpResponse<String> cluster = await().atMost(PATIENCE).until(
                () -> get(follower.url() + "/v1/cluster"),
                answer -> answer.headers().firstValue(Headers.LEADER).isPresent());
        assertThat(cluster.headers().firstValue(Headers.NODE)).contains(follower.id);
        assertThat(cluster.headers().firstValue(Headers.LEADER)).contains(leader.id);

        HttpResponse<String> notFound = get(follower.url() + "/v1/transactions/987654321");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue(Headers.NODE)).contains(follower.id);
        assertThat(notFound.headers().firstValue(Headers.LEADER)).contains(leader.id);

        HttpResponse<String> atLeader = get(leader.url() + "/v1/cluster");
        assertThat(atLeader.headers().firstValue(Headers.NODE)).contains(leader.id);
        assertThat(atLeader.headers().firstValue(Headers.LEADER)).contains(leader.id);
    }

    @Test
    void theClientSendsItsCallsToTheLeaderAndFollowsANewOne() {
        var leader = nodes().awaitLeader();
        // the leader's URL last, so without the hints every call would go to the first follower
        List<URI> urls = new ArrayList<>(coordinator.urls());
        urls.sort(Comparator.comparing((URI url) -> url.toString().equals(leader.url())));
        CoordinatorCluster client = CoordinatorClusterFactory.create(RestClient.builder(), urls,
                Duration.ofSeconds(1), Duration.ofSeconds(10));

        assertThat(client.cluster().nodeId()).isNotEqualTo(leader.id);
        // (on a busy machine leadership may move meanwhile: the client is to follow whoever leads)
        await().atMost(PATIENCE).untilAsserted(() -> assertAnsweredByTheLeader(client));

        nodes().awaitLeader().kill();

        await().atMost(PATIENCE).untilAsserted(() -> assertAnsweredByTheLeader(client));
    }

    /** A call (the client learns from answers only), then: the leader answered it, and is the first choice. */
    private static void assertAnsweredByTheLeader(CoordinatorCluster client) {
        var leader = nodes().awaitLeader();
        assertThat(client.cluster().nodeId()).isEqualTo(leader.id);
        assertThat(client.firstChoice()).hasToString(leader.url());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
