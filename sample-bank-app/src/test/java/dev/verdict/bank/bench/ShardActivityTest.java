package dev.verdict.bank.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShardActivityTest {

    @Test
    void theShardsWorkIsDividedByTheTransfersCommittedInTheWindow() {
        ShardActivity.Sample from = new ShardActivity.Sample(1_000, 100_000, 50, 200, 3);
        // 10 s at 100 tx/s: 1,000 transfers
        ShardActivity.Sample to = new ShardActivity.Sample(11_000, 100_000 + 2_048_000, 2_050, 4_200, 13);

        assertThat(ShardActivity.perTransfer(from, to, 10, 100)).isEqualTo(
                "2.00 WAL flushes, 10.0 WAL records, 2.0 KB of WAL, 4.00 commits, 0.01 rollbacks");
    }

    @Test
    void nothingIsSaidWhenASampleIsUnknownOrNothingCommitted() {
        ShardActivity.Sample known = new ShardActivity.Sample(1, 1, 1, 1, 1);

        assertThat(ShardActivity.perTransfer(ShardActivity.Sample.UNKNOWN, known, 10, 100)).isEmpty();
        assertThat(ShardActivity.perTransfer(known, ShardActivity.Sample.UNKNOWN, 10, 100)).isEmpty();
        assertThat(ShardActivity.perTransfer(known, known, 10, 0)).isEmpty();
    }
}
