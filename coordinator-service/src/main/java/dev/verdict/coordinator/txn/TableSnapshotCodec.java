package dev.verdict.coordinator.txn;

import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/** The table as bytes, for Raft snapshots. Versioned so a newer node can read an older snapshot. */
final class TableSnapshotCodec {

    private static final int MAGIC = 0x56524454; // "VRDT"
    /** 3 added the live id blocks of deferred begins; a version 2 snapshot reads as one without any. */
    private static final int VERSION = 3;

    interface Header {
        void accept(long lastTxId, long appliedIndex);
    }

    private TableSnapshotCodec() {
    }

    static byte[] write(long lastTxId, long appliedIndex, Collection<IdBlock> liveBlocks,
            Collection<Transaction> transactions) {
        return Bytes.encode(out -> {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(lastTxId);
            out.writeLong(appliedIndex);
            out.writeInt(liveBlocks.size());
            for (IdBlock block : liveBlocks) {
                out.writeLong(block.first());
                out.writeLong(block.last());
                out.writeLong(block.liveUntilMillis());
            }
            out.writeInt(transactions.size());
            for (Transaction tx : transactions) {
                writeTransaction(out, tx);
            }
        });
    }

    static void read(byte[] bytes, Header header, Consumer<IdBlock> blocks, Consumer<Transaction> sink) {
        Bytes.decode(bytes, in -> {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a Verdict table snapshot");
            }
            int version = in.readInt();
            if (version != VERSION && version != 2) {
                throw new IOException("unsupported snapshot version " + version);
            }
            header.accept(in.readLong(), in.readLong());
            int liveBlocks = version >= 3 ? Bytes.readCount(in) : 0;
            for (int i = 0; i < liveBlocks; i++) {
                blocks.accept(new IdBlock(in.readLong(), in.readLong(), in.readLong()));
            }
            int count = Bytes.readCount(in);
            for (int i = 0; i < count; i++) {
                sink.accept(readTransaction(in));
            }
            return null;
        });
    }

    private static void writeTransaction(DataOutputStream out, Transaction tx) throws IOException {
        out.writeLong(tx.txId);
        out.writeLong(tx.beganAtMillis);
        out.writeLong(tx.timeoutMs);
        Bytes.writeNullableString(out, tx.idempotencyKey);
        out.writeByte(tx.state.ordinal());
        out.writeLong(tx.decisionIndex);
        out.writeLong(tx.decidedAtMillis);
        Bytes.writeNullableString(out, tx.reason);
        out.writeInt(tx.branches.size());
        for (Map.Entry<String, Transaction.Branch> entry : tx.branches.entrySet()) {
            Bytes.writeString(out, entry.getKey());
            Bytes.writeString(out, entry.getValue().endpoint);
            Bytes.writeNullableEnum(out, entry.getValue().vote);
            out.writeBoolean(entry.getValue().acknowledged);
        }
    }

    private static Transaction readTransaction(DataInputStream in) throws IOException {
        Transaction tx = new Transaction(in.readLong(), in.readLong(), in.readLong(), Bytes.readNullableString(in));
        tx.state = Bytes.readEnum(in, TxState.values());
        tx.decisionIndex = in.readLong();
        tx.decidedAtMillis = in.readLong();
        tx.reason = Bytes.readNullableString(in);
        int branches = Bytes.readCount(in);
        for (int i = 0; i < branches; i++) {
            String participantId = Bytes.readString(in);
            Transaction.Branch branch = new Transaction.Branch(Bytes.readString(in));
            branch.vote = Bytes.readNullableEnum(in, Vote.values());
            branch.acknowledged = in.readBoolean();
            tx.branches.put(participantId, branch);
        }
        return tx;
    }
}
