package dev.verdict.coordinator.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Who starts the election when the leader dies: the survivors in the order of their ids, the same on every node. */
class ElectionOnLeaderDeathTest {

    @Test
    void theSurvivorsTakeTurnsInTheOrderOfTheirIds() {
        List<String> peers = List.of("n3", "n1", "n2");
        assertThat(ElectionOnLeaderDeath.turn(peers, "n1", "n2")).isZero();
        assertThat(ElectionOnLeaderDeath.turn(peers, "n1", "n3")).isEqualTo(1);
        assertThat(ElectionOnLeaderDeath.turn(peers, "n2", "n1")).isZero();
        assertThat(ElectionOnLeaderDeath.turn(peers, "n2", "n3")).isEqualTo(1);
    }

    @Test
    void theDeadLeaderHasNoTurn() {
        assertThat(ElectionOnLeaderDeath.turn(List.of("n1", "n2", "n3"), "n2", "n2")).isEqualTo(-1);
    }
}
