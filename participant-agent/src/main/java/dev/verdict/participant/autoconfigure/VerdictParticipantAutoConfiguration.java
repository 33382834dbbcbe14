package dev.verdict.participant.autoconfigure;

import dev.verdict.participant.branch.BranchListing;
import dev.verdict.participant.branch.BranchReaper;
import dev.verdict.participant.branch.BranchSupport;
import dev.verdict.participant.branch.BranchWork;
import dev.verdict.participant.branch.BranchWorkInterceptor;
import dev.verdict.participant.branch.BranchWorkRunner;
import dev.verdict.participant.branch.ParticipantIdentity;
import dev.verdict.participant.branch.PreparedTransactions;
import dev.verdict.participant.branch.TwoPhaseParticipant;
import dev.verdict.participant.coordinator.CoordinatorCluster;
import dev.verdict.participant.coordinator.CoordinatorClusterFactory;
import dev.verdict.participant.endpoint.BranchController;
import dev.verdict.participant.endpoint.ParticipantAddressController;
import dev.verdict.participant.endpoint.BranchProblemHandler;
import dev.verdict.participant.recovery.InDoubtRecovery;
import dev.verdict.participant.recovery.ParticipantMaintenance;
import dev.verdict.participant.startup.DatabaseCheck;
import dev.verdict.participant.web.AdvertisedUrl;
import dev.verdict.participant.web.BranchFailureExceptionResolver;
import dev.verdict.participant.web.BranchFilter;
import dev.verdict.participant.web.LastCallVoter;
import dev.verdict.protocol.participant.SignedVote;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.web.client.RestClient;

/**
 * Makes a Spring Boot service with one PostgreSQL DataSource a 2PC participant: branch work for requests
 * carrying {@code Verdict-Tx}, the ParticipantApi endpoints, the deadline reaper and in-doubt recovery.
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, RestClientAutoConfiguration.class})
@ConditionalOnClass({DataSource.class, RestClient.class})
@ConditionalOnBooleanProperty(name = "verdict.participant.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(VerdictParticipantProperties.class)
@Import(BranchWorkProxyRegistrar.class)
public class VerdictParticipantAutoConfiguration {

    @Bean
    ParticipantIdentity verdictParticipantIdentity(VerdictParticipantProperties properties) {
        return new ParticipantIdentity(properties.clusterId(), properties.participantId());
    }

    @Bean
    PreparedTransactions verdictPreparedTransactions(DataSource dataSource) {
        DatabaseCheck.verify(dataSource); // fails the start clearly when max_prepared_transactions = 0
        return new PreparedTransactions(dataSource);
    }

    @Bean
    AdvertisedUrl verdictAdvertisedUrl(VerdictParticipantProperties properties) {
        return new AdvertisedUrl(properties.advertisedUrl());
    }

    @Bean
    BranchSupport verdictBranchSupport(DataSource dataSource, VerdictParticipantProperties properties,
            ParticipantIdentity identity, AdvertisedUrl advertisedUrl, PreparedTransactions prepared,
            ObjectProvider<RestClient.Builder> restClientBuilder) {
        if (properties.coordinatorUrls().isEmpty()) {
            throw new IllegalStateException("verdict.participant.coordinator-urls must list the coordinator nodes");
        }
        CoordinatorCluster coordinator = CoordinatorClusterFactory.create(
                restClientBuilder.getIfAvailable(RestClient::builder), properties.coordinatorUrls(),
                properties.connectTimeout(), properties.readTimeout());
        // how long prepare/abort wait for app work still running in the branch before answering
        Duration busyWait = properties.lockTimeout().plusSeconds(5);
        return new BranchSupport(dataSource, coordinator, identity, advertisedUrl, prepared,
                new BranchSupport.Settings(properties.branchTimeout(), properties.lockTimeout(),
                        properties.endedMemorySize(), busyWait, properties.declarationKey()),
                Clock.systemUTC());
    }

    @Bean
    BranchWorkRunner verdictBranchWorkRunner(BranchSupport support) {
        return support.runner();
    }

    @Bean
    TwoPhaseParticipant verdictTwoPhaseParticipant(BranchSupport support) {
        return support.twoPhase();
    }

    @Bean
    BranchListing verdictBranchListing(BranchSupport support) {
        return support.listing();
    }

    @Bean
    BranchReaper verdictBranchReaper(BranchSupport support) {
        return support.reaper();
    }

    @Bean
    InDoubtRecovery verdictInDoubtRecovery(ParticipantIdentity identity, PreparedTransactions prepared,
            BranchSupport support, VerdictParticipantProperties properties,
            ObjectProvider<RestClient.Builder> restClientBuilder) {
        CoordinatorCluster coordinator = CoordinatorClusterFactory.create(
                restClientBuilder.getIfAvailable(RestClient::builder), properties.coordinatorUrls(),
                properties.connectTimeout(), properties.readTimeout());
        // a branch in doubt for a whole interval is asked about; a younger one is most likely a commit on its way
        return new InDoubtRecovery(identity, prepared, coordinator, support.twoPhase(), Clock.systemUTC(),
                properties.recoveryInterval());
    }

    @Bean
    ParticipantMaintenance verdictParticipantMaintenance(InDoubtRecovery recovery, BranchReaper reaper,
            VerdictParticipantProperties properties) {
        return new ParticipantMaintenance(recovery, reaper, properties.recoveryInterval(), properties.reaperInterval());
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor verdictBranchWorkAdvisor(ObjectProvider<BranchWorkRunner> runner) {
        ComposablePointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(BranchWork.class, true))
                .union(AnnotationMatchingPointcut.forMethodAnnotation(BranchWork.class));
        return new DefaultPointcutAdvisor(pointcut, new BranchWorkInterceptor(runner));
    }

    /** The web side: the 2PC endpoints and the Verdict-Tx filter. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Web {

        @Bean
        BranchController verdictBranchController(TwoPhaseParticipant twoPhase, BranchListing listing) {
            return new BranchController(twoPhase, listing);
        }

        @Bean
        ParticipantAddressController verdictParticipantAddressController(ParticipantIdentity identity,
                AdvertisedUrl advertisedUrl) {
            return new ParticipantAddressController(identity, advertisedUrl);
        }

        @Bean
        BranchProblemHandler verdictBranchProblemHandler() {
            return new BranchProblemHandler();
        }

        @Bean
        BranchFailureExceptionResolver verdictBranchFailureExceptionResolver() {
            return new BranchFailureExceptionResolver();
        }

        @Bean
        FilterRegistrationBean<BranchFilter> verdictBranchFilter(BranchWorkRunner runner,
                VerdictParticipantProperties properties, TwoPhaseParticipant twoPhase, ParticipantIdentity identity,
                AdvertisedUrl advertisedUrl) {
            // votes at the end of a client's last call are signed with the declaration key; without one, none
            LastCallVoter lastCallVoter = SignedVote.withKey(properties.declarationKey())
                    .map(signatures -> new LastCallVoter(twoPhase, signatures, identity, advertisedUrl))
                    .orElse(null);
            FilterRegistrationBean<BranchFilter> registration = new FilterRegistrationBean<>(
                    new BranchFilter(runner, properties.webBranchScope(), lastCallVoter));
            // after security filters (order -100): unauthenticated requests must not enlist anything
            registration.setOrder(0);
            return registration;
        }
    }
}
