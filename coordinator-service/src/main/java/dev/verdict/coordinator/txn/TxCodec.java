package dev.verdict.coordinator.txn;

import dev.verdict.coordinator.txn.TxCommand.Acknowledge;
import dev.verdict.coordinator.txn.TxCommand.Begin;
import dev.verdict.coordinator.txn.TxCommand.Decide;
import dev.verdict.coordinator.txn.TxCommand.Enlist;
import dev.verdict.coordinator.txn.TxCommand.Forget;
import dev.verdict.coordinator.txn.TxCommand.StartCommit;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary encoding of what travels through the log: a log entry (a timestamp and a group of commands, so many
 * concurrent proposals share one Raft entry) and the results of applying it, reads and their answers included.
 * Hand-written rather than JSON because every command of every transaction is encoded on the hot path.
 */
public final class TxCodec {

    private static final byte BEGIN = 1, ENLIST = 2, START_COMMIT = 3, DECIDE = 4, ACKNOWLEDGE = 5, FORGET = 6,
            BEGIN_DECLARING = 7, READ = 8, DECIDE_ASKED = 9, RESERVE_IDS = 10, START_COMMIT_DEFERRED = 11,
            DECIDE_DEFERRED = 12;
    private static final byte APPLIED = 1, REFUSED = 2, BATCH_APPLIED = 3, VIEWED = 4, RESERVED = 5;
    private static final byte GET = 1, RECENT = 2;

    private TxCodec() {
    }

    /** One log entry: the proposer's clock reading and the commands grouped into it, applied in order. */
    public record Entry(long timestampMillis, List<TxCommand> commands) {
        public Entry {
            commands = List.copyOf(commands);
        }
    }

    public static byte[] encodeEntry(Entry entry) {
        return Bytes.encode(out -> {
            out.writeLong(entry.timestampMillis());
            out.writeInt(entry.commands().size());
            for (TxCommand command : entry.commands()) {
                writeCommand(out, command);
            }
        });
    }

    public static Entry decodeEntry(byte[] bytes) {
        return Bytes.decode(bytes, in -> {
            long timestamp = in.readLong();
            int count = Bytes.readCount(in);
            List<TxCommand> commands = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                commands.add(readCommand(in));
            }
            return new Entry(timestamp, commands);
        });
    }

    public static byte[] encodeResults(List<TxResult> results) {
        return Bytes.encode(out -> {
            out.writeInt(results.size());
            for (TxResult result : results) {
                writeResult(out, result);
            }
        });
    }

    public static List<TxResult> decodeResults(byte[] bytes) {
        return Bytes.decode(bytes, in -> {
            int count = Bytes.readCount(in);
            List<TxResult> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                results.add(readResult(in));
            }
            return results;
        });
    }

    /** A query alone, in the encoding a {@link TxCommand.Read} carries it in. */
    public static byte[] encodeQuery(TxQuery query) {
        return Bytes.encode(out -> writeQuery(out, query));
    }

    public static TxQuery decodeQuery(byte[] bytes) {
        return Bytes.decode(bytes, TxCodec::readQuery);
    }

    /** Views alone, in the encoding a {@link TxResult.Viewed} answers with. */
    public static byte[] encodeViews(List<TransactionView> views) {
        return Bytes.encode(out -> writeViews(out, views));
    }

    public static List<TransactionView> decodeViews(byte[] bytes) {
        return Bytes.decode(bytes, TxCodec::readViews);
    }

    private static void writeQuery(DataOutputStream out, TxQuery query) throws IOException {
        switch (query) {
            case TxQuery.Get get -> {
                out.writeByte(GET);
                out.writeLong(get.txId());
            }
            case TxQuery.Recent recent -> {
                out.writeByte(RECENT);
                out.writeInt(recent.limit());
            }
        }
    }

    private static TxQuery readQuery(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case GET -> new TxQuery.Get(in.readLong());
            case RECENT -> new TxQuery.Recent(in.readInt());
            default -> throw new IOException("unknown query tag " + tag);
        };
    }

    private static void writeViews(DataOutputStream out, List<TransactionView> views) throws IOException {
        out.writeInt(views.size());
        for (TransactionView view : views) {
            writeView(out, view);
        }
    }

    private static List<TransactionView> readViews(DataInputStream in) throws IOException {
        int count = Bytes.readCount(in);
        List<TransactionView> views = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            views.add(readView(in));
        }
        return views;
    }

    private static void writeCommand(DataOutputStream out, TxCommand command) throws IOException {
        switch (command) {
            case Begin begin when begin.participants().isEmpty() -> {
                out.writeByte(BEGIN);
                out.writeLong(begin.timeoutMs());
                Bytes.writeNullableString(out, begin.idempotencyKey());
            }
            case Begin begin -> {
                // its own tag, so entries written before participants could be declared still read as BEGIN
                out.writeByte(BEGIN_DECLARING);
                out.writeLong(begin.timeoutMs());
                Bytes.writeNullableString(out, begin.idempotencyKey());
                out.writeInt(begin.participants().size());
                for (ParticipantAddress participant : begin.participants()) {
                    Bytes.writeString(out, participant.participantId());
                    Bytes.writeString(out, participant.endpoint());
                }
            }
            case Enlist enlist -> {
                out.writeByte(ENLIST);
                out.writeLong(enlist.txId());
                Bytes.writeString(out, enlist.participantId());
                Bytes.writeString(out, enlist.endpoint());
            }
            case TxCommand.ReserveIds reserve -> {
                out.writeByte(RESERVE_IDS);
                out.writeInt(reserve.count());
                out.writeLong(reserve.liveForMillis());
            }
            case StartCommit start -> {
                out.writeByte(start.begin() == null ? START_COMMIT : START_COMMIT_DEFERRED);
                out.writeLong(start.txId());
                if (start.begin() != null) {
                    writeDeferredBegin(out, start.begin());
                }
            }
            case Decide decide -> {
                // its own tag when it names where the votes were asked (or carries a deferred Begin), so entries
                // written before still read as DECIDE
                out.writeByte(decide.begin() != null ? DECIDE_DEFERRED : decide.askedAt().isEmpty() ? DECIDE : DECIDE_ASKED);
                out.writeLong(decide.txId());
                out.writeByte(decide.outcome().ordinal());
                out.writeInt(decide.votes().size());
                for (Map.Entry<String, Vote> vote : decide.votes().entrySet()) {
                    Bytes.writeString(out, vote.getKey());
                    out.writeByte(vote.getValue().ordinal());
                }
                Bytes.writeNullableString(out, decide.reason());
                if (!decide.askedAt().isEmpty() || decide.begin() != null) {
                    out.writeInt(decide.askedAt().size());
                    for (Map.Entry<String, String> asked : decide.askedAt().entrySet()) {
                        Bytes.writeString(out, asked.getKey());
                        Bytes.writeString(out, asked.getValue());
                    }
                }
                if (decide.begin() != null) {
                    writeDeferredBegin(out, decide.begin());
                }
            }
            case Acknowledge ack -> {
                out.writeByte(ACKNOWLEDGE);
                out.writeInt(ack.branches().size());
                for (BranchRef ref : ack.branches()) {
                    out.writeLong(ref.txId());
                    Bytes.writeString(out, ref.participantId());
                }
            }
            case TxCommand.Read read -> {
                out.writeByte(READ);
                writeQuery(out, read.query());
            }
            case Forget forget -> {
                out.writeByte(FORGET);
                out.writeInt(forget.txIds().size());
                for (long txId : forget.txIds()) {
                    out.writeLong(txId);
                }
            }
        }
    }

    private static TxCommand readCommand(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case BEGIN -> new Begin(in.readLong(), Bytes.readNullableString(in));
            case BEGIN_DECLARING -> {
                long timeoutMs = in.readLong();
                String idempotencyKey = Bytes.readNullableString(in);
                int count = Bytes.readCount(in);
                List<ParticipantAddress> participants = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    participants.add(new ParticipantAddress(Bytes.readString(in), Bytes.readString(in)));
                }
                yield new Begin(timeoutMs, idempotencyKey, participants);
            }
            case ENLIST -> new Enlist(in.readLong(), Bytes.readString(in), Bytes.readString(in));
            case RESERVE_IDS -> new TxCommand.ReserveIds(in.readInt(), in.readLong());
            case START_COMMIT -> new StartCommit(in.readLong());
            case START_COMMIT_DEFERRED -> new StartCommit(in.readLong(), readDeferredBegin(in));
            case DECIDE, DECIDE_ASKED, DECIDE_DEFERRED -> {
                long txId = in.readLong();
                Outcome outcome = Bytes.readEnum(in, Outcome.values());
                int votes = Bytes.readCount(in);
                Map<String, Vote> byParticipant = new LinkedHashMap<>();
                for (int i = 0; i < votes; i++) {
                    byParticipant.put(Bytes.readString(in), Bytes.readEnum(in, Vote.values()));
                }
                String reason = Bytes.readNullableString(in);
                Map<String, String> askedAt = new LinkedHashMap<>();
                int asked = tag == DECIDE ? 0 : Bytes.readCount(in);
                for (int i = 0; i < asked; i++) {
                    askedAt.put(Bytes.readString(in), Bytes.readString(in));
                }
                yield new Decide(txId, outcome, byParticipant, reason, askedAt,
                        tag == DECIDE_DEFERRED ? readDeferredBegin(in) : null);
            }
            case ACKNOWLEDGE -> {
                int count = Bytes.readCount(in);
                List<BranchRef> refs = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    refs.add(new BranchRef(in.readLong(), Bytes.readString(in)));
                }
                yield new Acknowledge(refs);
            }
            case FORGET -> {
                int count = Bytes.readCount(in);
                List<Long> txIds = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    txIds.add(in.readLong());
                }
                yield new Forget(txIds);
            }
            case READ -> new TxCommand.Read(readQuery(in));
            default -> throw new IOException("unknown command tag " + tag);
        };
    }

    private static void writeDeferredBegin(DataOutputStream out, DeferredBegin begin) throws IOException {
        out.writeLong(begin.deadlineMillis());
        out.writeInt(begin.participants().size());
        for (ParticipantAddress participant : begin.participants()) {
            Bytes.writeString(out, participant.participantId());
            Bytes.writeString(out, participant.endpoint());
        }
    }

    private static DeferredBegin readDeferredBegin(DataInputStream in) throws IOException {
        long deadline = in.readLong();
        int count = Bytes.readCount(in);
        List<ParticipantAddress> participants = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            participants.add(new ParticipantAddress(Bytes.readString(in), Bytes.readString(in)));
        }
        return new DeferredBegin(deadline, participants);
    }

    private static void writeResult(DataOutputStream out, TxResult result) throws IOException {
        switch (result) {
            case TxResult.Applied applied -> {
                out.writeByte(APPLIED);
                writeView(out, applied.view());
            }
            case TxResult.Refused refused -> {
                out.writeByte(REFUSED);
                out.writeByte(refused.refusal().ordinal());
                out.writeBoolean(refused.current() != null);
                if (refused.current() != null) {
                    writeView(out, refused.current());
                }
            }
            case TxResult.Viewed viewed -> {
                out.writeByte(VIEWED);
                writeViews(out, viewed.views());
            }
            case TxResult.Reserved reserved -> {
                out.writeByte(RESERVED);
                out.writeLong(reserved.firstTxId());
                out.writeLong(reserved.lastTxId());
                out.writeLong(reserved.liveUntilMillis());
            }
            case TxResult.BatchApplied batch -> {
                out.writeByte(BATCH_APPLIED);
                out.writeInt(batch.changedTxIds().size());
                for (long txId : batch.changedTxIds()) {
                    out.writeLong(txId);
                }
            }
        }
    }

    private static TxResult readResult(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case APPLIED -> new TxResult.Applied(readView(in));
            case REFUSED -> {
                Refusal refusal = Bytes.readEnum(in, Refusal.values());
                yield new TxResult.Refused(refusal, in.readBoolean() ? readView(in) : null);
            }
            case BATCH_APPLIED -> {
                int count = Bytes.readCount(in);
                List<Long> txIds = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    txIds.add(in.readLong());
                }
                yield new TxResult.BatchApplied(txIds);
            }
            case VIEWED -> new TxResult.Viewed(readViews(in));
            case RESERVED -> new TxResult.Reserved(in.readLong(), in.readLong(), in.readLong());
            default -> throw new IOException("unknown result tag " + tag);
        };
    }

    private static void writeView(DataOutputStream out, TransactionView view) throws IOException {
        out.writeLong(view.txId());
        out.writeByte(view.state().ordinal());
        out.writeLong(view.beganAtMillis());
        out.writeLong(view.deadlineMillis());
        out.writeLong(view.decisionIndex());
        out.writeLong(view.decidedAtMillis());
        Bytes.writeNullableString(out, view.reason());
        out.writeInt(view.participants().size());
        for (ParticipantView p : view.participants()) {
            Bytes.writeString(out, p.participantId());
            Bytes.writeString(out, p.endpoint());
            Bytes.writeNullableEnum(out, p.vote());
            out.writeBoolean(p.acknowledged());
        }
    }

    private static TransactionView readView(DataInputStream in) throws IOException {
        long txId = in.readLong();
        TxState state = Bytes.readEnum(in, TxState.values());
        long beganAt = in.readLong();
        long deadline = in.readLong();
        long decisionIndex = in.readLong();
        long decidedAt = in.readLong();
        String reason = Bytes.readNullableString(in);
        int count = Bytes.readCount(in);
        List<ParticipantView> participants = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            participants.add(new ParticipantView(Bytes.readString(in), Bytes.readString(in),
                    Bytes.readNullableEnum(in, Vote.values()), in.readBoolean()));
        }
        return new TransactionView(txId, state, beganAt, deadline, participants, decisionIndex, decidedAt, reason);
    }
}
