package dev.verdict.participant.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeaderHintsTest {

    private final AtomicLong nanos = new AtomicLong(-1_000_000_000L); // nanoTime may be negative
    private final LeaderHints hints = new LeaderHints(3, nanos::get);

    @Test
    void theLeadersUrlIsKnownOnceTheLeaderItselfHasAnswered() {
        hints.answered(0, "n1", "n3");
        assertThat(hints.leaderIndex()).isEmpty();
        assertThat(hints.unplacedLeader()).contains("n3");

        hints.answered(2, "n3", "n3");

        assertThat(hints.leaderIndex()).isEqualTo(OptionalInt.of(2));
        assertThat(hints.unplacedLeader()).isEmpty();
        assertThat(hints.placed(2)).isTrue();
        assertThat(hints.placed(1)).isFalse();
    }

    @Test
    void anAnswerNamingAnotherLeaderOrNoneMovesOrDropsTheHint() {
        hints.answered(0, "n1", "n1");
        hints.answered(1, "n2", "n1");
        assertThat(hints.leaderIndex()).isEqualTo(OptionalInt.of(0));

        hints.answered(1, "n2", "n2");
        assertThat(hints.leaderIndex()).isEqualTo(OptionalInt.of(1));

        hints.answered(1, "n2", null); // an election is on
        assertThat(hints.leaderIndex()).isEmpty();
        assertThat(hints.unplacedLeader()).isEmpty();
    }

    @Test
    void aLeaderTheClientFailedToReachIsPassedOverForAWhile() {
        hints.answered(0, "n1", "n1");
        hints.failed(0);

        assertThat(hints.leaderIndex()).isEmpty();

        nanos.addAndGet(LeaderHints.PASS_OVER_NANOS - 1);
        assertThat(hints.leaderIndex()).isEmpty();

        nanos.addAndGet(1);
        assertThat(hints.leaderIndex()).isEqualTo(OptionalInt.of(0));
    }

    @Test
    void aFailureOfAnotherNodeDoesNotHideTheLeader() {
        hints.answered(0, "n1", "n1");
        hints.failed(1);

        assertThat(hints.leaderIndex()).isEqualTo(OptionalInt.of(0));
    }
}
