package dev.verdict.coordinator.commit.sim;

import dev.verdict.coordinator.commit.ParticipantGateway;
import dev.verdict.coordinator.commit.HttpParticipantGateway;
import dev.verdict.coordinator.commit.PhaseTwoQueue;
import dev.verdict.coordinator.commit.PhaseTwoQueue.Delivery;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.protocol.participant.PrepareResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The coordinator-to-participant network: delays (which reorder), drops of requests or of replies (the caller
 * times out without knowing whether the participant acted), and duplicates (the participant acts twice).
 * {@link #nodeGateway} is what a coordinator node uses: phase 2 through a {@link PhaseTwoQueue} per participant, as
 * with the HTTP gateway, so the decisions that pile up behind a call are sent, dropped, delayed and duplicated
 * together.
 */
final class SimNetwork {

    static final long CALL_TIMEOUT_MILLIS = 300;

    private final EventLoop loop;
    private final Random random;
    private final Map<String, SimParticipant> participants;
    boolean faulty = true;
    double dropChance = 0.08;
    double duplicateChance = 0.05;
    /** Phase-2 calls that carried more than one decision. */
    int batchedCalls;

    SimNetwork(EventLoop loop, Random random, Map<String, SimParticipant> participants) {
        this.loop = loop;
        this.random = random;
        this.participants = participants;
    }

    private CompletableFuture<PrepareResponse> prepare(ParticipantView participant, long txId) {
        SimParticipant target = participants.get(participant.participantId());
        return call(target, () -> target.prepare(txId));
    }

    /** One coordinator node's way to the participants, with phase-2 queues of its own (a new one each call). */
    ParticipantGateway nodeGateway() {
        Map<String, PhaseTwoQueue> queues = new HashMap<>();
        return new ParticipantGateway() {
            @Override
            public CompletableFuture<PrepareResponse> prepare(ParticipantView participant, long txId) {
                return SimNetwork.this.prepare(participant, txId);
            }

            @Override
            public CompletableFuture<Void> deliver(ParticipantView participant, long txId, Outcome outcome,
                    long decisionIndex) {
                SimParticipant target = participants.get(participant.participantId());
                return queues.computeIfAbsent(participant.participantId(),
                                id -> new PhaseTwoQueue(1, HttpParticipantGateway.MAX_DECISIONS_PER_CALL,
                                        batch -> sendPhaseTwo(target, batch)))
                        .deliver(txId, outcome, decisionIndex);
            }
        };
    }

    /** One call carrying the batch: the participant acts on every decision in it, or on none if it is lost. */
    private CompletableFuture<Void> sendPhaseTwo(SimParticipant target, List<Delivery> batch) {
        if (batch.size() > 1) {
            batchedCalls++;
        }
        return call(target, () -> {
            batch.forEach(delivery -> target.decide(delivery.txId(), delivery.outcome(), delivery.decisionIndex()));
            return null;
        }).thenRun(() -> batch.forEach(delivery -> delivery.acknowledged().complete(null)));
    }

    private <T> CompletableFuture<T> call(SimParticipant target, Supplier<T> action) {
        CompletableFuture<T> reply = new CompletableFuture<>();
        loop.at(CALL_TIMEOUT_MILLIS, () -> reply.completeExceptionally(new TimeoutException("no reply")));
        boolean dropRequest = faulty && random.nextDouble() < dropChance;
        boolean dropReply = faulty && random.nextDouble() < dropChance;
        int deliveries = faulty && random.nextDouble() < duplicateChance ? 2 : 1;
        if (dropRequest) {
            return reply;
        }
        for (int i = 0; i < deliveries; i++) {
            loop.at(delay(), () -> {
                if (!target.up) {
                    return;
                }
                T answer = action.get();
                if (!dropReply) {
                    loop.at(delay(), () -> reply.complete(answer));
                }
            });
        }
        return reply;
    }

    private long delay() {
        return 1 + random.nextInt(faulty ? 40 : 5);
    }
}
