package dev.verdict.bank.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.bank.BankProperties;
import dev.verdict.participant.autoconfigure.VerdictClientProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The page's links to the coordinators' consoles: the gateway's own URLs unless the browser needs others. */
class ClusterServiceTest {

    @Test
    void eachNodeCarriesTheConsoleUrlGivenForItsPlaceInTheList() throws IOException {
        List<URI> nodes = unusedLocalUrls(2);
        List<URI> consoles = List.of(URI.create("http://localhost:8081"), URI.create("http://localhost:8082"));

        try (ClusterService service = new ClusterService(client(nodes), bank(consoles))) {
            List<NodeView> views = service.nodes();

            assertThat(views).extracting(NodeView::url).containsExactlyElementsOf(nodes);
            assertThat(views).extracting(NodeView::consoleUrl).containsExactlyElementsOf(consoles);
            assertThat(views).extracting(NodeView::up).containsOnly(false);
        }
    }

    @Test
    void withoutConsoleUrlsTheLinksAreTheGatewaysOwn() throws IOException {
        List<URI> nodes = unusedLocalUrls(3);

        try (ClusterService service = new ClusterService(client(nodes), bank(List.of()))) {
            assertThat(service.nodes()).extracting(NodeView::consoleUrl).containsExactlyElementsOf(nodes);
        }
    }

    @Test
    void aConsoleListOfAnotherLengthIsRefusedAtStart() throws IOException {
        List<URI> nodes = unusedLocalUrls(3);

        assertThatThrownBy(() -> new ClusterService(client(nodes), bank(List.of(URI.create("http://localhost:8081")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bank.coordinator-console-urls names 1 consoles for the 3 nodes of verdict.client.coordinator-urls");
    }

    /** Ports that were free a moment ago: nothing answers there, so every node reads as down at once. */
    private static List<URI> unusedLocalUrls(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(s -> URI.create("http://127.0.0.1:" + s.getLocalPort())).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static VerdictClientProperties client(List<URI> coordinators) {
        return new VerdictClientProperties(true, coordinators, Duration.ofSeconds(30), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(30), false, false);
    }

    private static BankProperties bank(List<URI> consoles) {
        return new BankProperties(2, 100, 10_000, -1, List.of(), Duration.ofSeconds(10),
                new BankProperties.Audit(Duration.ofSeconds(1), 5, Duration.ofSeconds(10)),
                new BankProperties.Demo(null), consoles);
    }
}
