package dev.verdict.participant.coordinator;

import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import dev.verdict.protocol.coordinator.ClusterStatus;
import dev.verdict.protocol.coordinator.AbortRequest;
import dev.verdict.protocol.coordinator.CommitRequest;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.Enlisted;
import dev.verdict.protocol.coordinator.IdLease;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;

/**
 * {@link CoordinatorApi} over every node of the coordinator cluster. Any node serves any call (it forwards to
 * the leader what only the leader can do), so on a connection failure, a timeout or a 503 the call moves on to
 * the next node; the node that last answered is tried first. Every call of the API is idempotent (begin only
 * with an Idempotency-Key), which is what makes retrying on another node safe.
 *
 * <p>Other answers are the cluster's answer and end the call: a problem becomes a
 * {@link CoordinatorProblemException}. When no node answers, {@link CoordinatorUnavailableException}.
 */
public final class CoordinatorCluster implements CoordinatorApi {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorCluster.class);

    /** One coordinator node and the HTTP service proxy that calls it. */
    public record Node(URI url, CoordinatorApi api) {
    }

    private final List<Node> nodes;
    private final AtomicInteger preferred = new AtomicInteger();

    public CoordinatorCluster(List<Node> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one coordinator URL is needed");
        }
        this.nodes = List.copyOf(nodes);
    }

    public List<URI> urls() {
        return nodes.stream().map(Node::url).toList();
    }

    private <T> T call(String what, Function<CoordinatorApi, T> call) {
        int start = preferred.get();
        RuntimeException last = null;
        for (int i = 0; i < nodes.size(); i++) {
            int index = (start + i) % nodes.size();
            Node node = nodes.get(index);
            try {
                T result = call.apply(node.api());
                preferred.set(index);
                return result;
            } catch (ResourceAccessException e) {
                log.debug("coordinator {} unreachable for {}: {}", node.url(), what, e.getMessage());
                last = e;
            } catch (RestClientResponseException e) {
                if (e.getStatusCode().value() != 503) {
                    throw CoordinatorProblemException.from(e);
                }
                log.debug("coordinator {} unavailable (503) for {}", node.url(), what);
                last = e;
            }
        }
        throw new CoordinatorUnavailableException("no coordinator node could serve " + what + " (tried " + urls() + ")", last);
    }

    @Override
    public TransactionBegun begin(BeginTransactionRequest request, String idempotencyKey) {
        return call("begin", api -> api.begin(request, idempotencyKey));
    }

    @Override
    public Enlisted enlist(long txId, ParticipantAddress request) {
        return call("enlist in " + txId, api -> api.enlist(txId, request));
    }

    @Override
    public TransactionOutcome commit(long txId, CommitRequest request) {
        return call("commit of " + txId, api -> api.commit(txId, request));
    }

    @Override
    public TransactionOutcome abort(long txId, AbortRequest request) {
        return call("abort of " + txId, api -> api.abort(txId, request));
    }

    /** Not idempotent, yet safe to ask again elsewhere: a lease whose answer was lost only leaves its ids unused. */
    @Override
    public IdLease leaseIds() {
        return call("id lease", CoordinatorApi::leaseIds);
    }

    @Override
    public TransactionStatus status(long txId) {
        return call("status of " + txId, api -> api.status(txId));
    }

    @Override
    public List<TransactionStatus> list(int limit) {
        return call("list", api -> api.list(limit));
    }

    @Override
    public ClusterStatus cluster() {
        return call("cluster", CoordinatorApi::cluster);
    }
}
