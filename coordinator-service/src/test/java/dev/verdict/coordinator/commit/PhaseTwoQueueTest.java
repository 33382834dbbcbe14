package dev.verdict.coordinator.commit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.coordinator.commit.PhaseTwoQueue.Delivery;
import dev.verdict.coordinator.txn.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PhaseTwoQueueTest {

    /** A participant whose calls the test answers by hand. */
    private static final class ScriptedCalls {
        final List<List<Delivery>> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> calls = new ArrayList<>();

        CompletableFuture<?> send(List<Delivery> batch) {
            sent.add(batch);
            CompletableFuture<Void> call = new CompletableFuture<>();
            calls.add(call);
            return call.whenComplete((ignored, failure) -> {
                if (failure == null) {
                    batch.forEach(delivery -> delivery.acknowledged().complete(null));
                }
            });
        }

        List<Long> txIdsOf(int call) {
            return sent.get(call).stream().map(Delivery::txId).toList();
        }
    }

    @Test
    void aDecisionAtRestLeavesAtOnceAndAlone() {
        ScriptedCalls participant = new ScriptedCalls();
        PhaseTwoQueue queue = new PhaseTwoQueue(1, 64, participant::send);

        CompletableFuture<Void> acknowledged = queue.deliver(1, Outcome.COMMIT, 10);

        assertThat(participant.sent).hasSize(1);
        assertThat(participant.txIdsOf(0)).containsExactly(1L);
        assertThat(acknowledged).isNotDone();
        participant.calls.get(0).complete(null);
        assertThat(acknowledged).isCompleted();
    }

    @Test
    void decisionsThatComeWhileTheCallIsUnderWayLeaveTogetherWhenItEnds() {
        ScriptedCalls participant = new ScriptedCalls();
        PhaseTwoQueue queue = new PhaseTwoQueue(1, 64, participant::send);
        queue.deliver(1, Outcome.COMMIT, 10);

        CompletableFuture<Void> second = queue.deliver(2, Outcome.ABORT, 11);
        CompletableFuture<Void> third = queue.deliver(3, Outcome.COMMIT, 12);

        assertThat(participant.sent).as("nothing leaves while the first call is under way").hasSize(1);
        assertThat(queue.waiting()).isEqualTo(2);
        participant.calls.get(0).complete(null);
        assertThat(participant.sent).hasSize(2);
        assertThat(participant.sent.get(1)).extracting(Delivery::txId, Delivery::outcome, Delivery::decisionIndex)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, Outcome.ABORT, 11L),
                        org.assertj.core.groups.Tuple.tuple(3L, Outcome.COMMIT, 12L));
        participant.calls.get(1).complete(null);
        assertThat(second).isCompleted();
        assertThat(third).isCompleted();
        assertThat(queue.waiting()).isZero();
    }

    @Test
    void aCallCarriesAtMostTheBatchSize() {
        ScriptedCalls participant = new ScriptedCalls();
        PhaseTwoQueue queue = new PhaseTwoQueue(1, 2, participant::send);
        for (long txId = 1; txId <= 4; txId++) {
            queue.deliver(txId, Outcome.COMMIT, txId);
        }

        participant.calls.get(0).complete(null);
        participant.calls.get(1).complete(null);

        assertThat(participant.sent).hasSize(3);
        assertThat(participant.txIdsOf(1)).containsExactly(2L, 3L);
        assertThat(participant.txIdsOf(2)).containsExactly(4L);
    }

    @Test
    void moreCallsInFlightLeaveDecisionsAtOnceUntilEveryOneIsTaken() {
        ScriptedCalls participant = new ScriptedCalls();
        PhaseTwoQueue queue = new PhaseTwoQueue(2, 64, participant::send);

        queue.deliver(1, Outcome.COMMIT, 1);
        queue.deliver(2, Outcome.COMMIT, 2);
        queue.deliver(3, Outcome.COMMIT, 3);

        assertThat(participant.sent).hasSize(2);
        assertThat(queue.waiting()).isEqualTo(1);
        participant.calls.get(1).complete(null);
        assertThat(participant.txIdsOf(2)).containsExactly(3L);
    }

    @Test
    void aFailedCallFailsItsDecisionsAndTheNextCallStillLeaves() {
        ScriptedCalls participant = new ScriptedCalls();
        PhaseTwoQueue queue = new PhaseTwoQueue(1, 64, participant::send);
        CompletableFuture<Void> first = queue.deliver(1, Outcome.COMMIT, 1);
        CompletableFuture<Void> second = queue.deliver(2, Outcome.COMMIT, 2);

        participant.calls.get(0).completeExceptionally(new IllegalStateException("connection refused"));

        assertThat(first).isCompletedExceptionally();
        assertThat(second).isNotDone();
        assertThat(participant.txIdsOf(1)).containsExactly(2L);
        participant.calls.get(1).complete(null);
        assertThat(second).isCompleted();
    }

    @Test
    void aSenderThatThrowsFailsTheDecisionAndFreesTheSlot() {
        List<List<Delivery>> sent = new ArrayList<>();
        PhaseTwoQueue queue = new PhaseTwoQueue(1, 64, batch -> {
            sent.add(batch);
            if (sent.size() == 1) {
                throw new IllegalStateException("no client");
            }
            batch.forEach(delivery -> delivery.acknowledged().complete(null));
            return CompletableFuture.completedFuture(null);
        });

        assertThat(queue.deliver(1, Outcome.COMMIT, 1)).isCompletedExceptionally();
        assertThat(queue.deliver(2, Outcome.COMMIT, 2)).isCompleted();
    }
}
