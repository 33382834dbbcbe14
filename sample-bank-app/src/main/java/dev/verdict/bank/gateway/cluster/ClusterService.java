package dev.verdict.bank.gateway.cluster;

import dev.verdict.bank.BankProperties;
import dev.verdict.bank.gateway.ShardFailure;
import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import dev.verdict.participant.autoconfigure.VerdictClientProperties;
import dev.verdict.protocol.coordinator.ClusterStatus;
import dev.verdict.protocol.http.InternalHttpClients;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/** Reads the coordinator cluster's state from its nodes' {@code GET /v1/cluster}. */
@Service
@Profile("gateway")
public class ClusterService implements AutoCloseable {

    private final List<URI> coordinators;
    private final List<URI> consoles;
    private final RestClient http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public ClusterService(VerdictClientProperties client, BankProperties bank) {
        this.coordinators = client.coordinatorUrls();
        List<URI> consoleUrls = bank.coordinatorConsoleUrls();
        if (!consoleUrls.isEmpty() && consoleUrls.size() != coordinators.size()) {
            throw new IllegalArgumentException("bank.coordinator-console-urls names " + consoleUrls.size()
                    + " consoles for the " + coordinators.size() + " nodes of verdict.client.coordinator-urls");
        }
        this.consoles = consoleUrls.isEmpty() ? coordinators : List.copyOf(consoleUrls);
        this.http = RestClient.builder()
                .requestFactory(InternalHttpClients.requestFactory(Duration.ofMillis(500), Duration.ofSeconds(2)))
                .build();
    }

    /** One node's view, preferring a node that knows a leader. */
    public ClusterStatus cluster() {
        ClusterStatus withoutLeader = null;
        for (NodeView node : nodes()) {
            if (node.up() && node.status().leaderId() != null) {
                return node.status();
            }
            if (node.up() && withoutLeader == null) {
                withoutLeader = node.status();
            }
        }
        if (withoutLeader == null) {
            throw new BankException(BankError.COORDINATOR_UNAVAILABLE, "no coordinator node of " + coordinators + " answered");
        }
        return withoutLeader;
    }

    /** Every configured node, asked in parallel. */
    public List<NodeView> nodes() {
        List<CompletableFuture<NodeView>> asks = IntStream.range(0, coordinators.size())
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> ask(coordinators.get(i), consoles.get(i)), executor))
                .toList();
        return asks.stream().map(CompletableFuture::join).toList();
    }

    private NodeView ask(URI url, URI console) {
        try {
            ClusterStatus status = http.get().uri(url.resolve("/v1/cluster")).retrieve().body(ClusterStatus.class);
            return new NodeView(url, console, true, status, null);
        } catch (RestClientException e) {
            return new NodeView(url, console, false, null, ShardFailure.describe(e.getMostSpecificCause()));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
