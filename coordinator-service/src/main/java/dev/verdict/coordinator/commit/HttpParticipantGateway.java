package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.protocol.http.InternalHttpClients;
import dev.verdict.protocol.participant.ParticipantApi;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import dev.verdict.protocol.participant.PrepareResponse;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * Calls participants over HTTP through the shared {@link ParticipantApi} contract. Each call is bounded by a
 * time limit and retried with backoff on transport errors (every call is idempotent); a circuit breaker per
 * participant makes calls to a participant that keeps failing fail fast, so its transactions abort quickly
 * instead of holding locks elsewhere while PREPARE times out again and again.
 */
public final class HttpParticipantGateway implements ParticipantGateway, AutoCloseable {

    private final RestClient.Builder restClients;
    private final Map<String, ParticipantApi> clients = new ConcurrentHashMap<>();
    private final CircuitBreakerRegistry breakers;
    private final Retry retry;
    private final TimeLimiter timeLimiter;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("participant-call-timer").daemon().factory());

    public HttpParticipantGateway(RestClient.Builder restClients, Duration callTimeout) {
        this.restClients = restClients.clone().requestFactory(InternalHttpClients.requestFactory(callTimeout, callTimeout));
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(80)
                .waitDurationInOpenState(Duration.ofSeconds(1))
                .build());
        this.retry = Retry.of("participant-call", RetryConfig.custom()
                .maxAttempts(2)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(20), 2))
                // 4xx answers are answers; only transport failures are worth an immediate second try.
                .retryOnException(e -> !(e instanceof RestClientResponseException) && !(e instanceof CallNotPermittedException))
                .build());
        this.timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom()
                .timeoutDuration(callTimeout.multipliedBy(2))
                .cancelRunningFuture(true)
                .build());
    }

    @Override
    public CompletableFuture<PrepareResponse> prepare(ParticipantView participant, long txId) {
        return call(participant, () -> client(participant).prepare(txId));
    }

    @Override
    public CompletableFuture<Void> deliver(ParticipantView participant, long txId, Outcome outcome,
            long decisionIndex) {
        PhaseTwoRequest request = new PhaseTwoRequest(decisionIndex);
        return call(participant, () -> {
            if (outcome == Outcome.COMMIT) {
                client(participant).commit(txId, request);
            } else {
                client(participant).abort(txId, request);
            }
            return null;
        });
    }

    /**
     * Lists the participant's branches (read only) through the same HTTP client, proxy and time limit as PREPARE
     * and phase 2, but outside the circuit breaker and the retry: a standby's warm-up of an agent that is down
     * must not make the leader's real calls to it fail fast.
     */
    @Override
    public CompletableFuture<Void> warmUp(ParticipantView participant) {
        return timeLimiter.executeCompletionStage(timer, () -> CompletableFuture.runAsync(
                        () -> client(participant).branches(), calls))
                .toCompletableFuture()
                .handle((ignored, failure) -> null);
    }

    private <T> CompletableFuture<T> call(ParticipantView participant, Supplier<T> call) {
        CircuitBreaker breaker = breakers.circuitBreaker(participant.participantId());
        Supplier<T> guarded = Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call));
        return timeLimiter.executeCompletionStage(timer,
                () -> CompletableFuture.supplyAsync(guarded, calls)).toCompletableFuture();
    }

    private ParticipantApi client(ParticipantView participant) {
        return clients.computeIfAbsent(participant.endpoint(), endpoint -> HttpServiceProxyFactory
                .builderFor(RestClientAdapter.create(restClients.clone().baseUrl(endpoint).build()))
                .build()
                .createClient(ParticipantApi.class));
    }

    @Override
    public void close() {
        calls.shutdownNow();
        timer.shutdownNow();
    }
}
