package dev.verdict.coordinator.commit.sim;

import dev.verdict.coordinator.commit.ParticipantGateway;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.protocol.participant.PrepareResponse;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The coordinator-to-participant network: delays (which reorder), drops of requests or of replies (the caller
 * times out without knowing whether the participant acted), and duplicates (the participant acts twice).
 */
final class SimNetwork implements ParticipantGateway {

    static final long CALL_TIMEOUT_MILLIS = 300;

    private final EventLoop loop;
    private final Random random;
    private final Map<String, SimParticipant> participants;
    boolean faulty = true;
    double dropChance = 0.08;
    double duplicateChance = 0.05;

    SimNetwork(EventLoop loop, Random random, Map<String, SimParticipant> participants) {
        this.loop = loop;
        this.random = random;
        this.participants = participants;
    }

    @Override
    public CompletableFuture<PrepareResponse> prepare(ParticipantView participant, long txId) {
        SimParticipant target = participants.get(participant.participantId());
        return call(target, () -> target.prepare(txId));
    }

    @Override
    public CompletableFuture<Void> deliver(ParticipantView participant, long txId, Outcome outcome,
            long decisionIndex) {
        SimParticipant target = participants.get(participant.participantId());
        return call(target, () -> {
            target.decide(txId, outcome, decisionIndex);
            return null;
        });
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
