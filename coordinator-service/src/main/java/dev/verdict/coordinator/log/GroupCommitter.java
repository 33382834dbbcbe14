package dev.verdict.coordinator.log;

import dev.verdict.coordinator.txn.TxCodec;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups concurrent proposals into one log entry, so that the log's per-entry cost (a consensus round, an fsync)
 * is paid once per group rather than once per command.
 *
 * <p>One drain thread takes every pending command (up to {@code maxBatch}), stamps the group with the clock and
 * hands it to the {@link Sender} as one {@link TxCodec.Entry}. At most {@code maxInFlight} entries are outstanding;
 * while all slots are taken, new commands wait in the queue and form the next, bigger group (the batch grows with
 * the load, and a lone command under no load is sent at once). Each caller's future completes with the result of
 * its own command (results come back in command order); if the entry fails, every future of the group fails with
 * the same cause.
 *
 * <p>Admission is bounded, so a node whose leader cannot take entries (no quorum, an election) or cannot keep
 * up sheds load instead of piling up work nobody waits for any more: at most {@code maxQueued} commands wait,
 * a command beyond that fails at once, and a command that waited {@code maxQueueWaitMillis} without being sent
 * fails then. Both fail with {@link LogOverloadedException}: not sent, so nothing was applied.
 */
public final class GroupCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /** Sends one entry through the log; completes with one result per command, in command order. */
    @FunctionalInterface
    public interface Sender {
        CompletableFuture<List<TxResult>> send(TxCodec.Entry entry);
    }

    public static final int DEFAULT_MAX_BATCH = 256;
    /**
     * One entry at a time: every command that comes while it is written joins the next one. Measured against four
     * (docs/benchmarks.md, session 17): half the entries per transfer under load and more throughput, and no
     * slower at one client, where a lone command still leaves at once.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1;
    /** Forty entries' worth at the largest batch: seconds of the highest rate measured (docs/benchmarks.md). */
    public static final int DEFAULT_MAX_QUEUED = 10_000;

    private record Pending(TxCommand command, CompletableFuture<TxResult> future, long queuedAtMillis) {
    }

    private final Sender sender;
    private final LongSupplier clock;
    private final int maxBatch;
    private final int maxInFlight;
    private final long maxQueueWaitMillis;
    private final String name;
    private final LinkedBlockingQueue<Pending> queue;
    private final Semaphore slots;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong entriesSent = new AtomicLong();
    private final AtomicLong commandsSent = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxObservedInFlight = new AtomicInteger();
    private volatile Thread drainThread;

    public GroupCommitter(Sender sender, LongSupplier clock, int maxBatch, int maxInFlight, String name) {
        this(sender, clock, maxBatch, maxInFlight, DEFAULT_MAX_QUEUED, Long.MAX_VALUE, name);
    }

    public GroupCommitter(Sender sender, LongSupplier clock, int maxBatch, int maxInFlight, int maxQueued,
            long maxQueueWaitMillis, String name) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        if (maxQueued < 1 || maxQueueWaitMillis < 1) {
            throw new IllegalArgumentException("maxQueued and maxQueueWaitMillis must be at least 1, were "
                    + maxQueued + " and " + maxQueueWaitMillis);
        }
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.queue = new LinkedBlockingQueue<>(maxQueued);
        this.maxQueueWaitMillis = maxQueueWaitMillis;
        this.name = Objects.requireNonNull(name, "name");
        this.slots = new Semaphore(maxInFlight);
    }

    public GroupCommitter(Sender sender, String name) {
        this(sender, System::currentTimeMillis, DEFAULT_MAX_BATCH, DEFAULT_MAX_IN_FLIGHT, name);
    }

    /** Starts the drain thread (a platform daemon thread). Idempotent. */
    public GroupCommitter start() {
        if (closed.get()) {
            throw new IllegalStateException("group committer " + name + " is closed");
        }
        if (started.compareAndSet(false, true)) {
            Thread thread = Thread.ofPlatform()
                    .name("verdict-group-commit-" + name)
                    .daemon(true)
                    .unstarted(this::drainLoop);
            drainThread = thread;
            thread.start();
        }
        return this;
    }

    /**
     * Queues a command for the next group. Completes with the command's own result, or exceptionally with the
     * sender's failure (for the Ratis log, a {@link NoQuorumException}); fails at once once closed, and with
     * {@link LogOverloadedException} (not sent) when too many commands wait or this one waited too long.
     */
    public CompletableFuture<TxResult> submit(TxCommand command) {
        Objects.requireNonNull(command, "command");
        CompletableFuture<TxResult> future = new CompletableFuture<>();
        if (closed.get()) {
            future.completeExceptionally(closedException());
            return future;
        }
        if (!queue.offer(new Pending(command, future, clock.getAsLong()))) {
            future.completeExceptionally(new LogOverloadedException("decision log " + name + " has "
                    + queue.size() + " commands waiting to be sent; this one was not queued"));
            return future;
        }
        if (closed.get()) {
            failQueued(); // raced with close: nothing will drain the queue any more
        }
        return future;
    }

    private void drainLoop() {
        List<Pending> group = new ArrayList<>(maxBatch);
        try {
            while (!closed.get()) {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                // Wait for a free slot before draining: commands arriving meanwhile join this group.
                slots.acquire();
                queue.drainTo(group, maxBatch - 1);
                List<Pending> fresh = dropStale(group);
                if (fresh.isEmpty()) {
                    slots.release();
                } else {
                    sendGroup(fresh);
                }
                group.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            fail(group, closedException());
            failQueued();
        }
    }

    /** Fails the commands that waited too long for a slot (their callers have mostly given up); keeps the rest. */
    private List<Pending> dropStale(List<Pending> group) {
        long now = clock.getAsLong();
        List<Pending> fresh = new ArrayList<>(group.size());
        for (Pending pending : group) {
            long waited = now - pending.queuedAtMillis();
            if (waited > maxQueueWaitMillis) {
                pending.future().completeExceptionally(new LogOverloadedException("decision log " + name
                        + " could not send a command within " + waited + " ms; it was not sent"));
            } else {
                fresh.add(pending);
            }
        }
        return fresh;
    }

    private void sendGroup(List<Pending> group) {
        if (closed.get()) {
            slots.release();
            fail(group, closedException());
            return;
        }
        List<TxCommand> commands = new ArrayList<>(group.size());
        for (Pending pending : group) {
            commands.add(pending.command());
        }
        TxCodec.Entry entry = new TxCodec.Entry(clock.getAsLong(), commands);
        int now = inFlight.incrementAndGet();
        maxObservedInFlight.accumulateAndGet(now, Math::max);
        entriesSent.incrementAndGet();
        commandsSent.addAndGet(group.size());
        CompletableFuture<List<TxResult>> sent;
        try {
            sent = Objects.requireNonNull(sender.send(entry), "sender returned null");
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((results, error) -> {
            inFlight.decrementAndGet();
            slots.release();
            if (error != null) {
                fail(group, FailureCause.of(error));
            } else if (results == null || results.size() != group.size()) {
                fail(group, new IllegalStateException("log returned " + (results == null ? "no" : results.size())
                        + " results for an entry of " + group.size() + " commands"));
            } else {
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).future().complete(results.get(i));
                }
            }
        });
    }

    private static void fail(List<Pending> group, Throwable error) {
        for (Pending pending : group) {
            pending.future().completeExceptionally(error);
        }
    }

    private void failQueued() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, closedException());
    }

    private NoQuorumException closedException() {
        return new NoQuorumException("decision log " + name + " is closed", null);
    }

    /** Commands waiting to be sent (not counting one the drain thread holds while it waits for a slot). */
    public int queued() {
        return queue.size();
    }

    /** Entries handed to the sender so far. */
    public long entriesSent() {
        return entriesSent.get();
    }

    /** Commands handed to the sender so far (over all entries). */
    public long commandsSent() {
        return commandsSent.get();
    }

    /** The most entries that were outstanding at once; never above {@code maxInFlight}. */
    public int maxObservedInFlight() {
        return maxObservedInFlight.get();
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Stops the drain thread; queued commands fail with {@link NoQuorumException}. Entries already handed to the
     * sender complete as the sender completes them. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread thread = drainThread;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("group commit thread of {} did not stop in time", name);
            }
        }
        failQueued();
    }
}
