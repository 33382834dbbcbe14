package dev.verdict.coordinator.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;

/**
 * Which survivor of a dead leader stands for election: the one with the longest log (a shorter one would be
 * refused), the smallest id among equals, so that exactly one stands when they all hear from each other.
 */
class ElectionOnLeaderDeathTest {

    private static TermIndex at(long term, long index) {
        return TermIndex.valueOf(term, index);
    }

    @Test
    void theSurvivorWithTheLongestLogStandsWhateverItsId() {
        assertThat(ElectionOnLeaderDeath.stands("n3", at(8, 7785), Map.of("n2", at(8, 7784)))).isTrue();
        assertThat(ElectionOnLeaderDeath.stands("n2", at(8, 7784), Map.of("n3", at(8, 7785)))).isFalse();
    }

    @Test
    void aLaterTermMakesTheLongerLogEvenWithFewerEntries() {
        assertThat(ElectionOnLeaderDeath.stands("n1", at(7, 900), Map.of("n2", at(8, 850)))).isFalse();
        assertThat(ElectionOnLeaderDeath.stands("n2", at(8, 850), Map.of("n1", at(7, 900)))).isTrue();
    }

    @Test
    void amongEqualLogsTheSmallestIdStands() {
        assertThat(ElectionOnLeaderDeath.stands("n1", at(8, 10), Map.of("n3", at(8, 10)))).isTrue();
        assertThat(ElectionOnLeaderDeath.stands("n3", at(8, 10), Map.of("n1", at(8, 10)))).isFalse();
    }

    @Test
    void ofFiveExactlyOneStands() {
        Map<String, TermIndex> logs = Map.of("n1", at(4, 20), "n2", at(4, 22), "n4", at(4, 22), "n5", at(4, 21));
        assertThat(logs.keySet()).filteredOn(self -> ElectionOnLeaderDeath.stands(self, logs.get(self),
                logs.entrySet().stream().filter(e -> !e.getKey().equals(self))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))))
                .containsExactly("n2");
    }

    @Test
    void aLoneSurvivorStands() {
        assertThat(ElectionOnLeaderDeath.stands("n2", at(8, 1), Map.of())).isTrue();
    }
}
