package dev.verdict.coordinator.cluster;

import dev.verdict.coordinator.commit.CoordinatorSettings;
import dev.verdict.coordinator.commit.DecisionWaiter;
import dev.verdict.coordinator.commit.DriverSettings;
import dev.verdict.coordinator.commit.HttpParticipantGateway;
import dev.verdict.coordinator.commit.SingleThreadScheduler;
import dev.verdict.coordinator.commit.TransactionCoordinator;
import dev.verdict.coordinator.commit.TwoPhaseCommitDriver;
import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.ratis.RatisDecisionLog;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/** Wires one coordinator node: its Raft log, the 2PC driver on top, and the service the API calls. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CoordinatorProperties.class)
class CoordinatorConfiguration {

    @Bean(destroyMethod = "close")
    DecisionLog decisionLog(CoordinatorProperties properties) {
        return RatisDecisionLog.start(RaftConfigFactory.from(properties));
    }

    @Bean(destroyMethod = "close")
    SingleThreadScheduler driverScheduler() {
        return new SingleThreadScheduler("verdict-driver");
    }

    @Bean(destroyMethod = "close")
    HttpParticipantGateway participantGateway(RestClient.Builder restClients, CoordinatorProperties properties) {
        return new HttpParticipantGateway(restClients, properties.participantCallTimeout());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    TwoPhaseCommitDriver twoPhaseCommitDriver(DecisionLog log, HttpParticipantGateway gateway,
            SingleThreadScheduler scheduler, CoordinatorProperties properties) {
        DriverSettings settings = new DriverSettings(100, properties.prepareGrace().toMillis(),
                properties.retryMin().toMillis(), properties.retryMax().toMillis(), 256, 2,
                properties.forgetAfter().toMillis());
        return new TwoPhaseCommitDriver(log, gateway, scheduler, settings);
    }

    @Bean
    DecisionWaiter decisionWaiter(DecisionLog log, SingleThreadScheduler scheduler) {
        DecisionWaiter waiter = new DecisionWaiter(log.replica(), scheduler);
        log.addListener(waiter);
        return waiter;
    }

    @Bean
    TransactionCoordinator transactionCoordinator(DecisionLog log, DecisionWaiter waiter,
            SingleThreadScheduler scheduler, CoordinatorProperties properties) {
        return new TransactionCoordinator(log, waiter, scheduler, new CoordinatorSettings(
                properties.defaultTransactionTimeout().toMillis(), properties.commitWaitMax().toMillis(),
                properties.prepareGrace().toMillis()));
    }
}
