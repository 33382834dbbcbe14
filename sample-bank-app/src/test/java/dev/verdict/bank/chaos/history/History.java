package dev.verdict.bank.chaos.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Records every operation of a test run as invocation and completion with timestamps from one monotonic clock, for
 * any number of client threads at once.
 *
 * <pre>{@code
 * History history = History.start();
 * History.Pending p = history.invoke(process, new Call.Transfer(key, "a1", "b7", 100, false));
 * ... p.ok(new Result.Transfer(id, txId, TxReading.COMMITTED, null));   // or p.fail(why), p.info(why, partial)
 * List<Op> ops = history.ops();
 * }</pre>
 *
 * Each pending operation is completed exactly once; an operation never completed counts as {@link Outcome#INFO}
 * with {@link Op#NEVER} as its completion time (it may have happened at any time after its invocation).
 */
public final class History {

    private final LongSupplier nanoClock;
    private final long originNanos;
    private final Instant originWallClock;
    private final AtomicInteger ids = new AtomicInteger();
    private final ConcurrentHashMap<Integer, Op> ops = new ConcurrentHashMap<>();

    public History(LongSupplier nanoClock, Instant originWallClock) {
        this.nanoClock = nanoClock;
        this.originNanos = nanoClock.getAsLong();
        this.originWallClock = originWallClock;
    }

    /** A history on {@link System#nanoTime()}, starting now. */
    public static History start() {
        return new History(System::nanoTime, Instant.now());
    }

    /** Nanoseconds since the history started. */
    public long now() {
        return nanoClock.getAsLong() - originNanos;
    }

    public Instant origin() {
        return originWallClock;
    }

    /** Records the invocation of {@code call} by {@code process}; complete it through the returned handle. */
    public Pending invoke(int process, Call call) {
        int id = ids.getAndIncrement();
        Op op = new Op(id, process, call, now(), Op.NEVER, Outcome.INFO, null, null);
        ops.put(id, op);
        return new Pending(op);
    }

    /** Every operation so far, in invocation order (still pending ones with {@link Op#NEVER} as completion). */
    public List<Op> ops() {
        List<Op> list = new ArrayList<>(ops.values());
        list.sort(Comparator.comparingLong(Op::invokedAt).thenComparingInt(Op::id));
        return list;
    }

    /** Writes one line per invocation and one per completion, in time order (a readable log of the run). */
    public void write(Path file) {
        record Line(long at, int order, String text) {
        }
        List<Line> lines = new ArrayList<>();
        for (Op op : ops()) {
            lines.add(new Line(op.invokedAt(), 0, String.format(Locale.ROOT, "%10.3f p%-4d invoke   #%d %s",
                    op.invokedAt() / 1e9, op.process(), op.id(), op.call())));
            if (op.completed()) {
                lines.add(new Line(op.completedAt(), 1, String.format(Locale.ROOT, "%10.3f p%-4d %-8s #%d %s%s",
                        op.completedAt() / 1e9, op.process(), op.outcome().name().toLowerCase(Locale.ROOT), op.id(),
                        op.result(), op.error() == null ? "" : " (" + op.error() + ")")));
            }
        }
        lines.sort(Comparator.comparingLong(Line::at).thenComparingInt(Line::order));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer out = Files.newBufferedWriter(file)) {
                out.write("# history from " + originWallClock + ", seconds since start\n");
                for (Line line : lines) {
                    out.write(line.text());
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The open invocation of one operation. Complete it once: a second completion is an error. */
    public final class Pending {

        private final Op invoked;

        private Pending(Op invoked) {
            this.invoked = invoked;
        }

        public int id() {
            return invoked.id();
        }

        /** It happened; {@code result} says how. */
        public void ok(Result result) {
            complete(Outcome.OK, result, null);
        }

        /** It certainly did not happen. */
        public void fail(String error) {
            complete(Outcome.FAIL, null, error);
        }

        /** Unknown whether it happened; {@code partial} holds what is known (or null). */
        public void info(String error, Result partial) {
            complete(Outcome.INFO, partial, error);
        }

        private void complete(Outcome outcome, Result result, String error) {
            long at = now();
            Op done = new Op(invoked.id(), invoked.process(), invoked.call(), invoked.invokedAt(), at, outcome,
                    result, error);
            if (!ops.replace(invoked.id(), invoked, done)) {
                throw new IllegalStateException("operation #" + invoked.id() + " completed twice");
            }
        }
    }
}
