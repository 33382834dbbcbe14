package dev.verdict.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.coordinator.txn.TxCommand.Acknowledge;
import dev.verdict.coordinator.txn.TxCommand.Begin;
import dev.verdict.coordinator.txn.TxCommand.Decide;
import dev.verdict.coordinator.txn.TxCommand.Enlist;
import dev.verdict.coordinator.txn.TxCommand.Forget;
import dev.verdict.coordinator.txn.TxCommand.StartCommit;
import dev.verdict.coordinator.txn.TxResult.Applied;
import dev.verdict.coordinator.txn.TxResult.BatchApplied;
import dev.verdict.coordinator.txn.TxResult.Refused;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Round trips of everything {@link TxCodec} encodes, and rejection of corrupt input. */
class TxCodecTest {

    private static final String UNICODE = "zahlung-ä-€-\uD83D\uDCB8";

    private static TransactionView view(long txId, TxState state, String reason, ParticipantView... participants) {
        boolean decided = state.isDecided();
        return new TransactionView(txId, state, 1_000 + txId, 6_000 + txId, List.of(participants),
                decided ? 40 + txId : 0, decided ? 2_000 + txId : 0, reason);
    }

    private static TransactionView fullView() {
        return view(7, TxState.COMMITTED, "all " + UNICODE,
                new ParticipantView("a", "http://a:8080", Vote.YES, true),
                new ParticipantView("b", "http://b:8080", Vote.READ_ONLY, true),
                new ParticipantView("c", "http://c:8080", Vote.NO, false),
                new ParticipantView(UNICODE, "http://" + UNICODE, null, false));
    }

    private static List<TxCommand> everyCommand() {
        Map<String, Vote> votes = new LinkedHashMap<>();
        votes.put("a", Vote.YES);
        votes.put("b", Vote.NO);
        votes.put("c", Vote.READ_ONLY);
        return List.of(
                new Begin(30_000, "key-" + UNICODE),
                new Begin(1, null),
                new Begin(Long.MAX_VALUE, ""),
                new Begin(10_000, "declaring", List.of(new ParticipantAddress("a", "http://a:8080"),
                        new ParticipantAddress(UNICODE, "http://" + UNICODE))),
                new Begin(10_000, null, List.of(new ParticipantAddress("a", ""))),
                new Enlist(1, "a", "http://a:8080"),
                new Enlist(Long.MAX_VALUE, UNICODE, ""),
                new StartCommit(1),
                new StartCommit(0),
                new Decide(1, Outcome.COMMIT, Map.of("a", Vote.YES, "b", Vote.READ_ONLY), null),
                new Decide(2, Outcome.ABORT, votes, "b voted NO"),
                new Decide(3, Outcome.ABORT, Map.of(), null),
                new Decide(4, Outcome.ABORT, Map.of(), ""),
                new Decide(5, Outcome.COMMIT, Map.of("a", Vote.YES, "b", Vote.READ_ONLY), null,
                        Map.of("a", "http://a:8081", "b", "http://b:8082")),
                new Acknowledge(List.of(new BranchRef(1, "a"), new BranchRef(2, UNICODE))),
                new Acknowledge(List.of()),
                new Forget(List.of(1L, 2L, Long.MAX_VALUE)),
                new Forget(List.of()),
                new TxCommand.Read(new TxQuery.Get(Long.MAX_VALUE)),
                new TxCommand.Read(new TxQuery.Recent(0)));
    }

    @Test
    void everyCommandTypeRoundTripsAlone() {
        for (TxCommand command : everyCommand()) {
            TxCodec.Entry entry = new TxCodec.Entry(123_456_789L, List.of(command));
            assertThat(TxCodec.decodeEntry(TxCodec.encodeEntry(entry))).as("%s", command).isEqualTo(entry);
        }
    }

    @Test
    void anEntryGroupingEveryCommandRoundTripsInOrder() {
        TxCodec.Entry entry = new TxCodec.Entry(Long.MIN_VALUE, everyCommand());
        TxCodec.Entry decoded = TxCodec.decodeEntry(TxCodec.encodeEntry(entry));
        assertThat(decoded).isEqualTo(entry);
        assertThat(decoded.commands()).containsExactlyElementsOf(everyCommand());
    }

    @Test
    void anEmptyEntryRoundTrips() {
        TxCodec.Entry entry = new TxCodec.Entry(0, List.of());
        assertThat(TxCodec.decodeEntry(TxCodec.encodeEntry(entry))).isEqualTo(entry);
    }

    @Test
    void everyResultTypeRoundTrips() {
        List<TxResult> results = new ArrayList<>();
        results.add(new Applied(fullView()));
        results.add(new Applied(view(1, TxState.ACTIVE, null)));
        for (Refusal refusal : Refusal.values()) {
            results.add(new Refused(refusal, view(2, TxState.PREPARING, null,
                    new ParticipantView("a", "http://a", null, false))));
            results.add(new Refused(refusal, null));
        }
        results.add(new BatchApplied(List.of()));
        results.add(new TxResult.Viewed(List.of()));
        results.add(new TxResult.Viewed(List.of(fullView(), fullView())));
        results.add(new BatchApplied(List.of(1L, 5L, Long.MAX_VALUE)));
        assertThat(TxCodec.decodeResults(TxCodec.encodeResults(results))).isEqualTo(results);
        assertThat(TxCodec.decodeResults(TxCodec.encodeResults(List.of()))).isEmpty();
        for (TxResult result : results) {
            assertThat(TxCodec.decodeResults(TxCodec.encodeResults(List.of(result)))).containsExactly(result);
        }
    }

    @Test
    void queriesRoundTrip() {
        for (TxQuery query : List.of(new TxQuery.Get(0), new TxQuery.Get(42), new TxQuery.Get(Long.MAX_VALUE),
                new TxQuery.Recent(0), new TxQuery.Recent(50), new TxQuery.Recent(Integer.MAX_VALUE))) {
            assertThat(TxCodec.decodeQuery(TxCodec.encodeQuery(query))).isEqualTo(query);
        }
    }

    @Test
    void viewsRoundTripInEveryStateWithNulls() {
        List<TransactionView> views = List.of(
                view(1, TxState.ACTIVE, null),
                view(2, TxState.PREPARING, null, new ParticipantView("a", "http://a", null, false)),
                view(3, TxState.ABORTED, null, new ParticipantView("a", "http://a", null, false)),
                view(4, TxState.ABORTED, "timeout", new ParticipantView("a", "http://a", Vote.NO, true)),
                fullView());
        assertThat(TxCodec.decodeViews(TxCodec.encodeViews(views))).isEqualTo(views);
        assertThat(TxCodec.decodeViews(TxCodec.encodeViews(List.of()))).isEmpty();
    }

    @Test
    void resultsOfARealTableRoundTrip() {
        TransactionTable table = new TransactionTable();
        List<TxResult> results = new ArrayList<>();
        long index = 0;
        for (TxCommand command : List.of(new Begin(5_000, "k"), new Enlist(1, "a", "http://a"),
                new Enlist(1, "b", "http://b"), new StartCommit(1), new Enlist(1, "c", "http://c"),
                new Decide(1, Outcome.COMMIT, Map.of("a", Vote.YES), null),
                new Decide(1, Outcome.COMMIT, Map.of("a", Vote.YES, "b", Vote.READ_ONLY), null),
                new Decide(1, Outcome.ABORT, Map.of(), "late"), new Acknowledge(List.of(new BranchRef(1, "a"))),
                new Forget(List.of(1L)), new StartCommit(1))) {
            results.add(table.apply(command, ++index, 10_000 + index));
        }
        assertThat(results).hasAtLeastOneElementOfType(Refused.class);
        assertThat(TxCodec.decodeResults(TxCodec.encodeResults(results))).isEqualTo(results);
    }

    // ---- corrupt input -------------------------------------------------------------------------------------------

    private static byte[] entryOf(TxCommand command) {
        return TxCodec.encodeEntry(new TxCodec.Entry(1, List.of(command)));
    }

    /** Offset of the first command's tag: after the timestamp (8) and the command count (4). */
    private static final int COMMAND_TAG = 12;

    @Test
    void anUnknownCommandTagIsRejected() {
        for (byte tag : new byte[] {0, 7, 99, -1}) {
            byte[] bytes = entryOf(new StartCommit(1));
            bytes[COMMAND_TAG] = tag;
            assertThatThrownBy(() -> TxCodec.decodeEntry(bytes)).as("tag %d", tag)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anUnknownResultTagIsRejected() {
        byte[] bytes = TxCodec.encodeResults(List.of(new BatchApplied(List.of())));
        bytes[4] = 9; // after the result count
        assertThatThrownBy(() -> TxCodec.decodeResults(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownQueryTagIsRejected() {
        byte[] bytes = TxCodec.encodeQuery(new TxQuery.Get(1));
        bytes[0] = 3;
        assertThatThrownBy(() -> TxCodec.decodeQuery(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNegativeRecentLimitIsRejected() {
        byte[] bytes = TxCodec.encodeQuery(new TxQuery.Recent(1));
        ByteBuffer.wrap(bytes).putInt(1, -1);
        assertThatThrownBy(() -> TxCodec.decodeQuery(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDecodedBeginWithANonPositiveTimeoutIsRejected() {
        byte[] bytes = entryOf(new Begin(5, null));
        ByteBuffer.wrap(bytes).putLong(COMMAND_TAG + 1, 0);
        assertThatThrownBy(() -> TxCodec.decodeEntry(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyInputIsRejected() {
        byte[] empty = new byte[0];
        assertThatThrownBy(() -> TxCodec.decodeEntry(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxCodec.decodeResults(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxCodec.decodeQuery(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxCodec.decodeViews(empty)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTruncationIsRejected() {
        assertEveryPrefixRejected(TxCodec.encodeEntry(new TxCodec.Entry(5, everyCommand())), TxCodec::decodeEntry);
        assertEveryPrefixRejected(TxCodec.encodeResults(List.of(new Applied(fullView()),
                new Refused(Refusal.NOT_FOUND, null), new BatchApplied(List.of(3L)))), TxCodec::decodeResults);
        assertEveryPrefixRejected(TxCodec.encodeViews(List.of(fullView())), TxCodec::decodeViews);
        assertEveryPrefixRejected(TxCodec.encodeQuery(new TxQuery.Get(5)), TxCodec::decodeQuery);
    }

    private static void assertEveryPrefixRejected(byte[] bytes, Function<byte[], ?> decoder) {
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> decoder.apply(prefix)).as("prefix of %d of %d bytes", length, bytes.length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aBadParticipantVoteOrdinalInAViewIsRejected() {
        // Nullable enums go through Bytes.readNullableEnum, which checks the range.
        TransactionView view = view(1, TxState.ABORTED, null, new ParticipantView("a", "e", Vote.NO, false));
        byte[] bytes = TxCodec.encodeViews(List.of(view));
        bytes[bytes.length - 2] = 9; // the vote, before the acknowledged flag
        assertThatThrownBy(() -> TxCodec.decodeViews(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNegativeCountIsRejected() {
        byte[] bytes = TxCodec.encodeEntry(new TxCodec.Entry(1, List.of()));
        ByteBuffer.wrap(bytes).putInt(8, -1);
        assertThatThrownBy(() -> TxCodec.decodeEntry(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Regression (found by these tests, fixed): enums written with {@code writeByte(ordinal())} are read back with {@code Outcome.values()[in.readByte()]}
     * (also {@code Vote} in Decide votes, {@code Refusal} in Refused, {@code TxState} in views and in
     * TableSnapshotCodec) without a range check, so a corrupt ordinal escapes as ArrayIndexOutOfBoundsException
     * instead of the IllegalArgumentException every other corruption gives. Fix: read them through a checked
     * helper, e.g. {@code Bytes.readEnum(in, Outcome.values())} that throws IOException("bad enum ordinal") like
     * {@code readNullableEnum} does.
     */
    @Test
    void aBadEnumOrdinalIsRejectedWithIllegalArgumentException() {
        byte[] outcome = entryOf(new Decide(1, Outcome.ABORT, Map.of("a", Vote.YES), null));
        int outcomeAt = COMMAND_TAG + 1 + 8; // after the tag and the txId
        byte[] vote = outcome.clone();
        int voteAt = outcomeAt + 1 + 4 + 5; // after the outcome, the vote count and the length-prefixed "a"
        byte[] refusal = TxCodec.encodeResults(List.of(new Refused(Refusal.VOTE_AGAINST, null)));
        int refusalAt = 4 + 1; // after the result count and the tag
        byte[] state = TxCodec.encodeViews(List.of(view(1, TxState.PREPARING, null)));
        int stateAt = 4 + 8; // after the view count and the txId
        // The offsets point at the enums:
        assertThat(outcome[outcomeAt]).isEqualTo((byte) Outcome.ABORT.ordinal());
        assertThat(vote[voteAt]).isEqualTo((byte) Vote.YES.ordinal());
        assertThat(refusal[refusalAt]).isEqualTo((byte) Refusal.VOTE_AGAINST.ordinal());
        assertThat(state[stateAt]).isEqualTo((byte) TxState.PREPARING.ordinal());

        outcome[outcomeAt] = 5;
        vote[voteAt] = 7;
        refusal[refusalAt] = 100;
        state[stateAt] = -2;
        assertThatThrownBy(() -> TxCodec.decodeEntry(outcome)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxCodec.decodeEntry(vote)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxCodec.decodeResults(refusal)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxCodec.decodeViews(state)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Regression (found by these tests, fixed): a corrupt count is trusted as an initial capacity, {@code new ArrayList<>(count)}: a huge one throws
     * OutOfMemoryError (which a Raft state machine must not swallow) instead of IllegalArgumentException. Fix: do not
     * presize from untrusted input ({@code new ArrayList<>(Math.min(count, in.available()))}), or reject a count
     * larger than the bytes left.
     */
    @Test
    void aHugeCountIsRejectedWithIllegalArgumentException() {
        byte[] bytes = TxCodec.encodeEntry(new TxCodec.Entry(1, List.of()));
        ByteBuffer.wrap(bytes).putInt(8, Integer.MAX_VALUE);
        assertThatThrownBy(() -> TxCodec.decodeEntry(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Regression (found by these tests, fixed): strings are written with {@code DataOutputStream.writeUTF}, limited to 65535 encoded bytes. A longer
     * abort reason (say a stack trace or a long participant error), endpoint or idempotency key makes
     * {@code encodeEntry} throw UncheckedIOException (Bytes.encode's comment says it "cannot happen"), so the leader
     * cannot propose the decision at all; and if such a string reaches a table (in-memory log), every later
     * {@code toSnapshot} fails. Fix: write strings as an int length plus UTF-8 bytes in Bytes (a codec and snapshot
     * VERSION bump), and/or bound lengths in the command constructors (truncate {@code reason} to e.g. 1 KiB,
     * reject ids/keys/endpoints over e.g. 255/1024 chars) and in the API validation.
     */
    @Test
    void aLongReasonRoundTrips() {
        TxCodec.Entry entry = new TxCodec.Entry(1,
                List.of(new Decide(1, Outcome.ABORT, Map.of(), "x".repeat(70_000))));
        assertThat(TxCodec.decodeEntry(TxCodec.encodeEntry(entry))).isEqualTo(entry);
    }
}
