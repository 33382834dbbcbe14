package dev.verdict.participant.branch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.participant.branch.EndedTransactions.Ending;
import org.junit.jupiter.api.Test;

class EndedTransactionsTest {

    @Test
    void aCommitIsNeverOverwrittenByALateAbort() {
        EndedTransactions ended = new EndedTransactions(10);
        ended.record(1, Ending.PREPARED);
        ended.record(1, Ending.COMMITTED);
        ended.record(1, Ending.ABORTED);
        assertThat(ended.get(1)).contains(Ending.COMMITTED);
    }

    @Test
    void theMemoryIsBoundedAndForgetsTheOldestFirst() {
        EndedTransactions ended = new EndedTransactions(3);
        for (long txId = 1; txId <= 5; txId++) {
            ended.record(txId, Ending.ABORTED);
        }
        ended.record(3, Ending.PREPARED); // re-recorded: now the newest
        ended.record(6, Ending.ABORTED);
        assertThat(ended.size()).isEqualTo(3);
        assertThat(ended.get(1)).isEmpty();
        assertThat(ended.get(4)).isEmpty();
        assertThat(ended.get(3)).contains(Ending.PREPARED);
        assertThat(ended.get(5)).contains(Ending.ABORTED);
        assertThat(ended.get(6)).contains(Ending.ABORTED);
    }
}
