package dev.verdict.participant.autoconfigure;

import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.context.VerdictTxPropagationInterceptor;
import dev.verdict.participant.coordinator.CoordinatorCluster;
import dev.verdict.participant.coordinator.CoordinatorClusterFactory;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.client.RestClient;

/**
 * The client side: the {@link GlobalTransactions} bean for apps that begin and commit global transactions, and
 * the propagation of the current transaction as {@code Verdict-Tx} on every RestClient built from the
 * auto-configured builder.
 */
@AutoConfiguration(after = RestClientAutoConfiguration.class)
@ConditionalOnClass(RestClient.class)
@ConditionalOnBooleanProperty(name = "verdict.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties({VerdictClientProperties.class, VerdictParticipantProperties.class})
public class GlobalTransactionsAutoConfiguration {

    @Bean
    VerdictTxPropagationInterceptor verdictTxPropagationInterceptor() {
        return new VerdictTxPropagationInterceptor();
    }

    @Bean
    RestClientCustomizer verdictTxRestClientCustomizer(VerdictTxPropagationInterceptor interceptor) {
        return builder -> builder.requestInterceptor(interceptor);
    }

    @Bean
    @ConditionalOnMissingBean
    @Conditional(OnCoordinatorUrlsCondition.class)
    GlobalTransactions globalTransactions(VerdictClientProperties client, VerdictParticipantProperties participant,
            ObjectProvider<RestClient.Builder> restClientBuilder) {
        List<URI> urls = client.coordinatorUrls().isEmpty() ? participant.coordinatorUrls() : client.coordinatorUrls();
        CoordinatorCluster coordinator = CoordinatorClusterFactory.create(
                restClientBuilder.getIfAvailable(RestClient::builder), urls, client.connectTimeout(), client.readTimeout());
        return new GlobalTransactions(coordinator, client.defaultTimeout(), client.outcomePollTimeout(), Clock.systemUTC(),
                client.deferBegins(), client.leaseIds());
    }
}
