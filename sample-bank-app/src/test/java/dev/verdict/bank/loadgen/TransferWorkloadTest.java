package dev.verdict.bank.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransferWorkloadTest {

    private static final List<Long> ACCOUNTS = TransferWorkload.accountRange(1, 100);

    @Test
    void crossShardTransfersJoinTwoShardsWithAmountsInRange() {
        TransferWorkload workload = new TransferWorkload(ACCOUNTS, 2, 50, 0, 0, true);
        SplittableRandom random = new SplittableRandom(42);
        Set<Long> sources = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            Transfer t = workload.next(random);
            assertThat(t.from() % 2).isNotEqualTo(t.to() % 2);
            assertThat(t.amount()).isBetween(1L, 50L);
            assertThat(t.overdraw()).isFalse();
            assertThat(ACCOUNTS).contains(t.from(), t.to());
            sources.add(t.from());
        }
        assertThat(sources).hasSize(100);
    }

    @Test
    void theOverdrawShareAsksForTheOverdrawAmount() {
        TransferWorkload workload = new TransferWorkload(ACCOUNTS, 2, 100, 0.1, 1_000_001, true);
        SplittableRandom random = new SplittableRandom(7);
        int overdraws = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            Transfer t = workload.next(random);
            if (t.overdraw()) {
                overdraws++;
                assertThat(t.amount()).isEqualTo(1_000_001);
            } else {
                assertThat(t.amount()).isLessThanOrEqualTo(100);
            }
        }
        // 10% of 20000 = 2000, standard deviation about 42
        assertThat(overdraws).isBetween(1700, 2300);
    }

    @Test
    void anyPairMayBeOnTheSameShardButNeverTheSameAccount() {
        TransferWorkload workload = new TransferWorkload(ACCOUNTS, 2, 100, 0, 0, false);
        SplittableRandom random = new SplittableRandom(1);
        boolean sameShardSeen = false;
        for (int i = 0; i < 1000; i++) {
            Transfer t = workload.next(random);
            assertThat(t.from()).isNotEqualTo(t.to());
            sameShardSeen |= t.from() % 2 == t.to() % 2;
        }
        assertThat(sameShardSeen).isTrue();
    }

    @Test
    void sameShardTransfersStayOnTheSourceShard() {
        TransferWorkload workload = new TransferWorkload(ACCOUNTS, 2, 100, 0, 0, true);
        SplittableRandom random = new SplittableRandom(3);
        Set<Integer> shards = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Transfer t = workload.nextSameShard(random);
            assertThat(t.from() % 2).isEqualTo(t.to() % 2);
            assertThat(t.from()).isNotEqualTo(t.to());
            shards.add(workload.shardOf(t.from()));
        }
        assertThat(shards).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void theSameSeedGivesTheSameTransfers() {
        TransferWorkload workload = new TransferWorkload(ACCOUNTS, 2, 100, 0.2, 5000, true);
        SplittableRandom a = new SplittableRandom(99);
        SplittableRandom b = new SplittableRandom(99);
        for (int i = 0; i < 100; i++) {
            assertThat(workload.next(a)).isEqualTo(workload.next(b));
        }
    }

    @Test
    void refusesWorkloadsItCannotGenerate() {
        assertThatThrownBy(() -> new TransferWorkload(List.of(1L), 2, 10, 0, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TransferWorkload(List.of(2L, 4L, 6L), 2, 10, 0, 0, true))
                .hasMessageContaining("2 shards");
        assertThatThrownBy(() -> new TransferWorkload(ACCOUNTS, 2, 10, 1.5, 10, true))
                .hasMessageContaining("overdraw");
        assertThatThrownBy(() -> new Transfer(3, 3, 10, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shardRuleIsIdModShardCount() {
        assertThat(TransferWorkload.shardOf(7, 2)).isEqualTo(1);
        assertThat(TransferWorkload.shardOf(8, 2)).isEqualTo(0);
        assertThat(TransferWorkload.shardOf(8, 3)).isEqualTo(2);
        assertThat(new Transfer(9, 4, 1, false).firstAccount()).isEqualTo(4);
        assertThat(new Transfer(9, 4, 1, false).secondAccount()).isEqualTo(9);
    }
}
