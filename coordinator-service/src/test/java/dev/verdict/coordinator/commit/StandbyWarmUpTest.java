package dev.verdict.coordinator.commit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.coordinator.txn.Refusal;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.participant.PrepareResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every node calls each participant endpoint its replica names once, so that a new leader's first calls are not its first. */
class StandbyWarmUpTest {

    private final List<String> warmed = new CopyOnWriteArrayList<>();
    private final StandbyWarmUp warmUp = new StandbyWarmUp(new ParticipantGateway() {
        @Override
        public CompletableFuture<PrepareResponse> prepare(ParticipantView participant, long txId) {
            throw new AssertionError("a warm-up never prepares");
        }

        @Override
        public CompletableFuture<Void> deliver(ParticipantView participant, long txId, Outcome outcome, long decisionIndex) {
            throw new AssertionError("a warm-up never delivers");
        }

        @Override
        public CompletableFuture<Void> warmUp(ParticipantView participant) {
            warmed.add(participant.endpoint());
            return CompletableFuture.completedFuture(null);
        }
    });

    @Test
    void eachEndpointIsWarmedOnceFromTheFirstBeginOrEnlistThatNamesIt() {
        warmUp.onApplied(new TxCommand.Begin(1_000, "k"), applied(1, "http://a", "http://b"), 1);
        warmUp.onApplied(new TxCommand.Begin(1_000, "l"), applied(2, "http://a", "http://b"), 2);
        warmUp.onApplied(new TxCommand.Enlist(2, "c", "http://c"), applied(2, "http://a", "http://b", "http://c"), 3);

        assertThat(warmed).containsExactly("http://a", "http://b", "http://c");
    }

    @Test
    void refusedCommandsAndOtherCommandsWarmNothing() {
        TransactionView view = applied(1, "http://a").view();
        warmUp.onApplied(new TxCommand.Enlist(1, "a", "http://a"), new TxResult.Refused(Refusal.NOT_ACTIVE, view), 1);
        warmUp.onApplied(new TxCommand.StartCommit(1), new TxResult.Applied(view), 2);
        warmUp.onApplied(new TxCommand.Decide(1, Outcome.ABORT, Map.of(), "x"), new TxResult.Applied(view), 3);

        assertThat(warmed).isEmpty();
    }

    private static TxResult.Applied applied(long txId, String... endpoints) {
        List<ParticipantView> participants = Arrays.stream(endpoints)
                .map(endpoint -> new ParticipantView(endpoint.substring(7), endpoint, null, false)).toList();
        return new TxResult.Applied(new TransactionView(txId, TxState.ACTIVE, 0, 1_000, participants, 0, 0, null));
    }
}
