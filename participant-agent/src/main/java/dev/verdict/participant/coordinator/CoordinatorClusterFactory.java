package dev.verdict.participant.coordinator;

import dev.verdict.participant.context.VerdictTxPropagationInterceptor;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.http.InternalHttpClients;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/** Builds a {@link CoordinatorCluster}: one {@link CoordinatorApi} proxy per node, from the app's RestClient builder. */
public final class CoordinatorClusterFactory {

    private CoordinatorClusterFactory() {
    }

    public static CoordinatorCluster create(RestClient.Builder builder, List<URI> urls, Duration connectTimeout,
            Duration readTimeout) {
        ClientHttpRequestFactory requestFactory = InternalHttpClients.requestFactory(connectTimeout, readTimeout);
        List<CoordinatorCluster.Node> nodes = urls.stream().map(url -> {
            RestClient restClient = builder.clone()
                    .baseUrl(url.toString())
                    .requestFactory(requestFactory)
                    // calls to the coordinator are about a transaction, not inside it
                    .requestInterceptors(list -> list.removeIf(VerdictTxPropagationInterceptor.class::isInstance))
                    .build();
            CoordinatorApi api = HttpServiceProxyFactory.builderFor(RestClientAdapter.create(restClient))
                    .build()
                    .createClient(CoordinatorApi.class);
            return new CoordinatorCluster.Node(url, api);
        }).toList();
        return new CoordinatorCluster(nodes);
    }
}
