package dev.verdict.participant.coordinator;

import dev.verdict.participant.context.VerdictTxPropagationInterceptor;
import dev.verdict.protocol.Headers;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/** Builds a {@link CoordinatorCluster}: one {@link CoordinatorApi} proxy per node, from the app's RestClient builder. */
public final class CoordinatorClusterFactory {

    private CoordinatorClusterFactory() {
    }

    public static CoordinatorCluster create(RestClient.Builder builder, List<URI> urls, Duration connectTimeout,
            Duration readTimeout) {
        HttpClient httpClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
        JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
        requestFactory.setReadTimeout(readTimeout);
        LeaderHints hints = new LeaderHints(urls.size(), System::nanoTime);
        List<CoordinatorCluster.Node> nodes = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            int index = i;
            URI url = urls.get(i);
            RestClient restClient = builder.clone()
                    .baseUrl(url.toString())
                    .requestFactory(requestFactory)
                    // calls to the coordinator are about a transaction, not inside it
                    .requestInterceptors(list -> list.removeIf(VerdictTxPropagationInterceptor.class::isInstance))
                    .requestInterceptor((request, body, execution) -> {
                        ClientHttpResponse response = execution.execute(request, body);
                        hints.answered(index, response.getHeaders().getFirst(Headers.NODE),
                                response.getHeaders().getFirst(Headers.LEADER));
                        return response;
                    })
                    .build();
            CoordinatorApi api = HttpServiceProxyFactory.builderFor(RestClientAdapter.create(restClient))
                    .build()
                    .createClient(CoordinatorApi.class);
            nodes.add(new CoordinatorCluster.Node(url, api));
        }
        return new CoordinatorCluster(nodes, hints);
    }
}
