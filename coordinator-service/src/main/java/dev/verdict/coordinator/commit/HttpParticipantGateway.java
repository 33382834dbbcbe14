package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.protocol.http.InternalHttpClients;
import dev.verdict.protocol.participant.ParticipantApi;
import dev.verdict.coordinator.commit.PhaseTwoQueue.Delivery;
import dev.verdict.coordinator.log.FailureCause;
import dev.verdict.protocol.participant.PhaseTwoBatch;
import dev.verdict.protocol.participant.PhaseTwoBatchResponse;
import dev.verdict.protocol.participant.PhaseTwoDecision;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import dev.verdict.protocol.participant.PhaseTwoResult;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * Calls participants over HTTP through the shared {@link ParticipantApi} contract. Each call is bounded by a
 * time limit and retried with backoff on transport errors (every call is idempotent); a circuit breaker per
 * participant makes calls to a participant that keeps failing fail fast, so its transactions abort quickly
 * instead of holding locks elsewhere while PREPARE times out again and again.
 *
 * <p>Phase 2 goes through a {@link PhaseTwoQueue} per participant: a decision alone is sent as the single-branch
 * call, and the decisions that piled up behind the calls under way leave together in one {@code phase-two} call.
 * A participant that does not know that call (404: an agent of an earlier release) gets single-branch calls.
 */
public final class HttpParticipantGateway implements ParticipantGateway, AutoCloseable {

    /** Decisions one batched phase-2 call carries at most. */
    public static final int MAX_DECISIONS_PER_CALL = 64;

    private final RestClient.Builder restClients;
    private final Map<String, ParticipantApi> clients = new ConcurrentHashMap<>();
    private final Map<String, PhaseTwoQueue> phaseTwoQueues = new ConcurrentHashMap<>();
    /** Endpoints that answered the batched call with 404: they get one call per decision. */
    private final Set<String> singleCallsOnly = ConcurrentHashMap.newKeySet();
    private final int phaseTwoCallsInFlight;
    private final AtomicLong phaseTwoCalls = new AtomicLong();
    private final AtomicLong phaseTwoDecisions = new AtomicLong();
    private final CircuitBreakerRegistry breakers;
    private final Retry retry;
    private final TimeLimiter timeLimiter;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("participant-call-timer").daemon().factory());

    /**
     * @param phaseTwoCallsInFlight phase-2 calls under way to one participant at most; decisions beyond wait and
     *                              share the next call
     */
    public HttpParticipantGateway(RestClient.Builder restClients, Duration callTimeout, int phaseTwoCallsInFlight) {
        if (phaseTwoCallsInFlight < 1) {
            throw new IllegalArgumentException(
                    "verdict.coordinator.phase-two-calls-in-flight must be at least 1, was " + phaseTwoCallsInFlight);
        }
        this.phaseTwoCallsInFlight = phaseTwoCallsInFlight;
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
        return phaseTwoQueues.computeIfAbsent(participant.endpoint(), endpoint -> new PhaseTwoQueue(
                        phaseTwoCallsInFlight, MAX_DECISIONS_PER_CALL, batch -> sendPhaseTwo(participant, batch)))
                .deliver(txId, outcome, decisionIndex);
    }

    /** One call for the batch; completes once every delivery in it has been completed. */
    private CompletableFuture<Void> sendPhaseTwo(ParticipantView participant, List<Delivery> batch) {
        if (batch.size() == 1 || singleCallsOnly.contains(participant.endpoint())) {
            return CompletableFuture.allOf(batch.stream()
                    .map(delivery -> sendOne(participant, delivery))
                    .toArray(CompletableFuture[]::new));
        }
        phaseTwoCalls.incrementAndGet();
        phaseTwoDecisions.addAndGet(batch.size());
        PhaseTwoBatch request = new PhaseTwoBatch(batch.stream()
                .map(delivery -> new PhaseTwoDecision(delivery.txId(), delivery.outcome() == Outcome.COMMIT
                        ? PhaseTwoDecision.Decision.COMMIT : PhaseTwoDecision.Decision.ABORT, delivery.decisionIndex()))
                .toList());
        return call(participant, () -> client(participant).phaseTwo(request))
                .handle((response, failure) -> {
                    if (failure != null && FailureCause.of(failure) instanceof HttpClientErrorException.NotFound) {
                        singleCallsOnly.add(participant.endpoint());
                        return sendPhaseTwo(participant, batch);
                    }
                    if (failure != null) {
                        batch.forEach(delivery -> delivery.acknowledged().completeExceptionally(failure));
                    } else {
                        completeFromResults(batch, response);
                    }
                    return CompletableFuture.<Void>completedFuture(null);
                })
                .thenCompose(Function.identity());
    }

    private CompletableFuture<Void> sendOne(ParticipantView participant, Delivery delivery) {
        phaseTwoCalls.incrementAndGet();
        phaseTwoDecisions.incrementAndGet();
        PhaseTwoRequest request = new PhaseTwoRequest(delivery.decisionIndex());
        CompletableFuture<Void> call = call(participant, () -> {
            if (delivery.outcome() == Outcome.COMMIT) {
                client(participant).commit(delivery.txId(), request);
            } else {
                client(participant).abort(delivery.txId(), request);
            }
            return null;
        });
        return call.whenComplete((ignored, failure) -> {
            if (failure != null) {
                delivery.acknowledged().completeExceptionally(failure);
            } else {
                delivery.acknowledged().complete(null);
            }
        }).handle((ignored, failure) -> null);
    }

    /** Each delivery is acknowledged by its own result; one the answer left out or failed is delivered again. */
    private static void completeFromResults(List<Delivery> batch, PhaseTwoBatchResponse response) {
        Map<Long, PhaseTwoResult> results = new HashMap<>();
        if (response != null && response.results() != null) {
            response.results().forEach(result -> results.put(result.txId(), result));
        }
        for (Delivery delivery : batch) {
            PhaseTwoResult result = results.get(delivery.txId());
            if (result != null && result.acknowledged()) {
                delivery.acknowledged().complete(null);
            } else {
                delivery.acknowledged().completeExceptionally(new IllegalStateException(result == null
                        ? "phase 2 of transaction " + delivery.txId() + " was not answered"
                        : "phase 2 of transaction " + delivery.txId() + " failed: " + result.error() + " "
                                + result.detail()));
            }
        }
    }

    /** Phase-2 calls sent so far (single and batched; a batch sent again after a 404 counts twice). */
    public long phaseTwoCalls() {
        return phaseTwoCalls.get();
    }

    /** Decisions those calls carried. */
    public long phaseTwoDecisions() {
        return phaseTwoDecisions.get();
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
        // per endpoint, not per participant name: an agent restarted at another address must not inherit the
        // failures of the one that died, or its PREPARE would be refused (a NO vote) while that breaker is open
        CircuitBreaker breaker = breakers.circuitBreaker(participant.endpoint());
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
