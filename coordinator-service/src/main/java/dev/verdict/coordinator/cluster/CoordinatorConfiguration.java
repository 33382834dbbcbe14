package dev.verdict.coordinator.cluster;

import dev.verdict.coordinator.commit.CoordinatorSettings;
import dev.verdict.coordinator.commit.DecisionWaiter;
import dev.verdict.coordinator.commit.DriverSettings;
import dev.verdict.coordinator.commit.HttpParticipantGateway;
import dev.verdict.coordinator.commit.SingleThreadScheduler;
import dev.verdict.coordinator.commit.StandbyWarmUp;
import dev.verdict.coordinator.commit.TransactionCoordinator;
import dev.verdict.coordinator.commit.TwoPhaseCommitDriver;
import dev.verdict.coordinator.commit.VoteCheck;
import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.ratis.RatisDecisionLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/** Wires one coordinator node: its Raft log, the 2PC driver on top, and the service the API calls. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CoordinatorProperties.class)
class CoordinatorConfiguration {

    /** How often the leader sweeps for undone work; failover recovery does not wait for it (it runs at once). */
    private static final long DRIVER_TICK_MILLIS = 100;
    /** Acknowledgements in one log command at most. */
    private static final int ACK_BATCH_SIZE = 256;

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
        return new HttpParticipantGateway(restClients, properties.participantCallTimeout(),
                properties.phaseTwoCallsInFlight());
    }

    /** How well phase 2 batches: decisions per call is {@code verdict.phase-two.decisions / verdict.phase-two.calls}. */
    @Bean
    MeterBinder phaseTwoMetrics(HttpParticipantGateway gateway) {
        return registry -> {
            FunctionCounter.builder("verdict.phase-two.calls", gateway, HttpParticipantGateway::phaseTwoCalls)
                    .description("phase-2 calls this node sent to participants").register(registry);
            FunctionCounter.builder("verdict.phase-two.decisions", gateway, HttpParticipantGateway::phaseTwoDecisions)
                    .description("decisions those calls carried").register(registry);
        };
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    TwoPhaseCommitDriver twoPhaseCommitDriver(DecisionLog log, HttpParticipantGateway gateway,
            SingleThreadScheduler scheduler, CoordinatorProperties properties) {
        DriverSettings settings = new DriverSettings(DRIVER_TICK_MILLIS, properties.prepareGrace().toMillis(),
                properties.retryMin().toMillis(), properties.retryMax().toMillis(), ACK_BATCH_SIZE,
                properties.acknowledgementDelay().toMillis(),
                properties.forgetAfter().toMillis());
        return new TwoPhaseCommitDriver(log, gateway, scheduler, settings);
    }

    @Bean
    StandbyWarmUp standbyWarmUp(DecisionLog log, HttpParticipantGateway gateway) {
        StandbyWarmUp warmUp = new StandbyWarmUp(gateway);
        log.addListener(warmUp);
        return warmUp;
    }

    @Bean
    DecisionWaiter decisionWaiter(DecisionLog log, SingleThreadScheduler scheduler) {
        return new DecisionWaiter(log, scheduler);
    }

    @Bean
    TransactionCoordinator transactionCoordinator(DecisionLog log, DecisionWaiter waiter,
            TwoPhaseCommitDriver driver, SingleThreadScheduler scheduler, CoordinatorProperties properties) {
        return new TransactionCoordinator(log, waiter, driver, scheduler, new CoordinatorSettings(
                properties.defaultTransactionTimeout().toMillis(), properties.commitWaitMax().toMillis(),
                properties.prepareGrace().toMillis()), VoteCheck.withKey(properties.declarationKey()));
    }
}
