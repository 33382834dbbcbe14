package dev.verdict.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShardingTest {

    private final Sharding twoShards = new Sharding(2, 7);

    @Test
    void accountIdModShardCountNamesTheShard() {
        assertThat(twoShards.shardOf(1)).isEqualTo(1);
        assertThat(twoShards.shardOf(2)).isZero();
        assertThat(twoShards.shardOf(7)).isEqualTo(1);
        assertThat(new Sharding(3, 10).shardOf(9)).isZero();
    }

    @Test
    void eachShardHoldsItsIdsAscending() {
        assertThat(twoShards.accountsOf(0).boxed()).containsExactly(2L, 4L, 6L);
        assertThat(twoShards.accountsOf(1).boxed()).containsExactly(1L, 3L, 5L, 7L);
        assertThat(twoShards.accountCount(0)).isEqualTo(3);
        assertThat(twoShards.accountCount(1)).isEqualTo(4);
        assertThat(new Sharding(5, 3).accountCount(4)).isZero();
        assertThat(new Sharding(1, 100).accountCount(0)).isEqualTo(100);
    }

    @Test
    void accountsAreOneToAccounts() {
        assertThat(twoShards.exists(0)).isFalse();
        assertThat(twoShards.exists(1)).isTrue();
        assertThat(twoShards.exists(7)).isTrue();
        assertThat(twoShards.exists(8)).isFalse();
        assertThatThrownBy(() -> twoShards.shardOf(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> twoShards.accountsOf(2)).isInstanceOf(IllegalArgumentException.class);
    }
}
