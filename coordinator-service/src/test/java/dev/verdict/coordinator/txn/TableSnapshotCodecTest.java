package dev.verdict.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.coordinator.txn.TxCommand.Acknowledge;
import dev.verdict.coordinator.txn.TxCommand.Begin;
import dev.verdict.coordinator.txn.TxCommand.Decide;
import dev.verdict.coordinator.txn.TxCommand.Enlist;
import dev.verdict.coordinator.txn.TxCommand.StartCommit;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Table snapshots: a faithful round trip, and rejection of bytes that are not a snapshot of this version. */
class TableSnapshotCodecTest {

    /**
     * Header: magic (4), version (4), lastTxId (8), appliedIndex (8), live id blocks (4, none here), count (4);
     * then the transactions.
     */
    private static final int FIRST_TRANSACTION = 32;

    private static TransactionTable sample() {
        TransactionTable table = new TransactionTable();
        long i = 0;
        for (TxCommand command : List.of(
                new Begin(5_000, "key-ä"), new Enlist(1, "a", "http://a"), new Enlist(1, "b", "http://b"),
                new StartCommit(1), new Decide(1, Outcome.COMMIT, Map.of("a", Vote.YES, "b", Vote.READ_ONLY), null),
                new Begin(1_000, null), new Enlist(2, "c", "http://c"),
                new Decide(2, Outcome.ABORT, Map.of("c", Vote.NO), "c voted NO"),
                new Acknowledge(List.of(new BranchRef(2, "c"))),
                new Begin(9_000, null), new Enlist(3, "a", "http://a"), new StartCommit(3),
                new Begin(9_000, "other"))) {
            table.apply(command, ++i, 50_000 + 10 * i);
        }
        return table;
    }

    @Test
    void aSnapshotRestoresEveryTransactionAndCounter() {
        TransactionTable table = sample();
        byte[] snapshot = table.toSnapshot();
        TransactionTable restored = TransactionTable.fromSnapshot(snapshot);
        assertThat(restored.query(new TxQuery.Recent(100))).isEqualTo(table.query(new TxQuery.Recent(100)));
        assertThat(restored.lastTxId()).isEqualTo(4);
        assertThat(restored.appliedIndex()).isEqualTo(table.appliedIndex());
        assertThat(restored.size()).isEqualTo(4);
        assertThat(Arrays.equals(restored.toSnapshot(), snapshot)).isTrue();
    }

    @Test
    void anEmptyTableRoundTrips() {
        TransactionTable restored = TransactionTable.fromSnapshot(new TransactionTable().toSnapshot());
        assertThat(restored.size()).isZero();
        assertThat(restored.lastTxId()).isZero();
        assertThat(restored.appliedIndex()).isZero();
    }

    @Test
    void bytesThatAreNotASnapshotAreRejected() {
        assertThatThrownBy(() -> TransactionTable.fromSnapshot(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionTable.fromSnapshot("not a snapshot at all".getBytes()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anotherVersionIsRejected() {
        byte[] snapshot = sample().toSnapshot();
        ByteBuffer.wrap(snapshot).putInt(4, 99);
        assertThatThrownBy(() -> TransactionTable.fromSnapshot(snapshot))
                .isInstanceOf(IllegalArgumentException.class)
                .hasRootCauseMessage("unsupported snapshot version 99");
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] snapshot = sample().toSnapshot();
        for (int length = 0; length < snapshot.length; length++) {
            byte[] prefix = Arrays.copyOf(snapshot, length);
            assertThatThrownBy(() -> TransactionTable.fromSnapshot(prefix)).as("prefix of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Same bug as in TxCodec: {@code TxState.values()[in.readByte()]} in readTransaction has no range check. */
    @Test
    void aBadStateOrdinalIsRejectedWithIllegalArgumentException() {
        TransactionTable table = new TransactionTable();
        table.apply(new Begin(5_000, null), 1, 1_000);
        byte[] snapshot = table.toSnapshot();
        // txId (8), beganAt (8), timeoutMs (8), no idempotency key (1), then the state
        int stateAt = FIRST_TRANSACTION + 25;
        assertThat(snapshot[stateAt]).isEqualTo((byte) TxState.ACTIVE.ordinal());
        assertThat(snapshot[stateAt - 1]).as("the null-key flag").isEqualTo((byte) 0);
        snapshot[stateAt] = 9;
        assertThatThrownBy(() -> TransactionTable.fromSnapshot(snapshot))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Live id blocks travel with the snapshot: without them a restored replica would forget ids it must not. */
    @Test
    void liveIdBlocksSurviveTheRoundTrip() {
        TransactionTable table = new TransactionTable();
        table.apply(new TxCommand.ReserveIds(10, 60_000), 1, 1_000);
        TransactionTable restored = TransactionTable.fromSnapshot(table.toSnapshot());

        assertThat(restored.toSnapshot()).isEqualTo(table.toSnapshot());
        TxResult presumedAbort = restored.apply(new TxCommand.Decide(5, Outcome.ABORT, java.util.Map.of(), "asked"),
                2, 2_000);
        assertThat(presumedAbort).isInstanceOf(TxResult.Applied.class);
    }

    /** A version 2 snapshot, from before deferred begins, still reads: as a table without live blocks. */
    @Test
    void aVersionTwoSnapshotStillReads() {
        TransactionTable table = new TransactionTable();
        table.apply(new Begin(5_000, null), 1, 1_000);
        byte[] v3 = table.toSnapshot();
        byte[] v2 = new byte[v3.length - 4];
        System.arraycopy(v3, 0, v2, 0, 24);
        System.arraycopy(v3, 28, v2, 24, v3.length - 28);
        v2[7] = 2;

        TransactionTable restored = TransactionTable.fromSnapshot(v2);
        assertThat(restored.toSnapshot()).isEqualTo(v3);
    }
}
