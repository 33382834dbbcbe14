package dev.verdict.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.txn.TxCodec;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitterTest {

    /**
     * A fake log: records every entry, keeps its future pending until the test releases it, and answers each
     * command with a BatchApplied naming the command's txId (so a caller can tell its own result from others').
     */
    static final class FakeSender implements GroupCommitter.Sender {
        final List<TxCodec.Entry> entries = new ArrayList<>();
        final List<CompletableFuture<List<TxResult>>> pending = new ArrayList<>();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger maxOutstanding = new AtomicInteger();

        @Override
        public synchronized CompletableFuture<List<TxResult>> send(TxCodec.Entry entry) {
            entries.add(entry);
            maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            CompletableFuture<List<TxResult>> future = new CompletableFuture<>();
            pending.add(future);
            return future.whenComplete((r, e) -> outstanding.decrementAndGet());
        }

        synchronized int sent() {
            return entries.size();
        }

        /** Completes entry {@code i} successfully, echoing each command's txId. */
        synchronized void succeed(int i) {
            List<TxResult> results = new ArrayList<>();
            for (TxCommand command : entries.get(i).commands()) {
                results.add(new TxResult.BatchApplied(List.of(((TxCommand.StartCommit) command).txId())));
            }
            pending.get(i).complete(results);
        }

        synchronized void fail(int i, Throwable error) {
            pending.get(i).completeExceptionally(error);
        }

        synchronized void succeedAllSent() {
            for (int i = 0; i < entries.size(); i++) {
                if (!pending.get(i).isDone()) {
                    succeed(i);
                }
            }
        }
    }

    private final FakeSender sender = new FakeSender();
    private final AtomicLong clock = new AtomicLong(1_000);
    private GroupCommitter committer;

    @AfterEach
    void close() {
        if (committer != null) {
            committer.close();
        }
    }

    private GroupCommitter start(int maxBatch, int maxInFlight) {
        committer = new GroupCommitter(sender, clock::incrementAndGet, maxBatch, maxInFlight, "test").start();
        return committer;
    }

    private static long txIdOf(TxResult result) {
        return ((TxResult.BatchApplied) result).changedTxIds().getFirst();
    }

    private static boolean sentTx(FakeSender sender, long txId) {
        synchronized (sender) {
            return sender.entries.stream().flatMap(e -> e.commands().stream())
                    .anyMatch(c -> ((TxCommand.StartCommit) c).txId() == txId);
        }
    }

    @Test
    void aCommandBeyondTheQueuesBoundIsRefusedAtOnceAndNeverSent() throws Exception {
        committer = new GroupCommitter(sender, clock::get, 1, 1, 2, Long.MAX_VALUE, "test").start();
        CompletableFuture<TxResult> inFlight = committer.submit(new TxCommand.StartCommit(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 1);
        CompletableFuture<TxResult> waitingForASlot = committer.submit(new TxCommand.StartCommit(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> committer.queued() == 0); // taken, waiting for the slot
        List<CompletableFuture<TxResult>> queued = List.of(committer.submit(new TxCommand.StartCommit(3)),
                committer.submit(new TxCommand.StartCommit(4)));

        CompletableFuture<TxResult> refused = committer.submit(new TxCommand.StartCommit(5));

        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::get).hasCauseInstanceOf(LogOverloadedException.class)
                .hasMessageContaining("2 commands waiting");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            sender.succeedAllSent();
            return inFlight.isDone() && waitingForASlot.isDone() && queued.stream().allMatch(CompletableFuture::isDone);
        });
        assertThat(txIdOf(queued.get(1).get())).isEqualTo(4);
        assertThat(sentTx(sender, 5)).isFalse();
    }

    @Test
    void aCommandThatWaitedTooLongForASlotFailsUnsentAndFreesTheSlot() throws Exception {
        committer = new GroupCommitter(sender, clock::get, 256, 1, 100, 500, "test").start();
        committer.submit(new TxCommand.StartCommit(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 1);
        CompletableFuture<TxResult> stale = committer.submit(new TxCommand.StartCommit(2)); // queued at 1000

        clock.set(1_600); // the first entry's leader took 600 ms
        sender.succeed(0);

        assertThatThrownBy(() -> stale.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(LogOverloadedException.class)
                .hasMessageContaining("not sent");
        CompletableFuture<TxResult> fresh = committer.submit(new TxCommand.StartCommit(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 2);
        sender.succeed(1);
        assertThat(txIdOf(fresh.get(5, TimeUnit.SECONDS))).isEqualTo(3);
        assertThat(sentTx(sender, 2)).isFalse();
    }

    @Test
    void concurrentProposalsShareEntriesAndEachCallerGetsItsOwnResult() throws Exception {
        start(256, 2);
        // Hold the first entry so that everything proposed meanwhile piles up into later groups.
        CompletableFuture<TxResult> first = committer.submit(new TxCommand.StartCommit(0));
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 1);

        int proposers = 8;
        int perProposer = 100;
        ConcurrentLinkedQueue<CompletableFuture<TxResult>> all = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < proposers; p++) {
            int base = (p + 1) * 10_000;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perProposer; i++) {
                    long txId = base + i;
                    CompletableFuture<TxResult> f = committer.submit(new TxCommand.StartCommit(txId));
                    all.add(f.thenApply(result -> {
                        assertThat(txIdOf(result)).isEqualTo(txId);
                        return result;
                    }));
                }
            }));
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        // Release entries as they come, until every future is done.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            sender.succeedAllSent();
            return first.isDone() && all.stream().allMatch(CompletableFuture::isDone);
        });

        assertThat(txIdOf(first.get())).isZero();
        for (CompletableFuture<TxResult> f : all) {
            f.get(); // each future's own check: result carries the caller's own txId
        }
        int commands = proposers * perProposer + 1;
        assertThat(committer.commandsSent()).isEqualTo(commands);
        assertThat(sender.entries.stream().mapToInt(e -> e.commands().size()).sum()).isEqualTo(commands);
        assertThat(committer.entriesSent()).as("groups formed").isLessThan(commands / 4);
        assertThat(sender.entries).allSatisfy(e -> assertThat(e.commands()).hasSizeLessThanOrEqualTo(256));
        // Entries are stamped with the clock, in sending order.
        List<Long> stamps = sender.entries.stream().map(TxCodec.Entry::timestampMillis).toList();
        assertThat(stamps).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void commandsOfOneProposerKeepTheirOrderAcrossEntries() throws Exception {
        start(7, 1);
        List<CompletableFuture<TxResult>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(committer.submit(new TxCommand.StartCommit(i)));
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            sender.succeedAllSent();
            return futures.stream().allMatch(CompletableFuture::isDone);
        });
        List<Long> order = sender.entries.stream()
                .flatMap(e -> e.commands().stream())
                .map(c -> ((TxCommand.StartCommit) c).txId())
                .toList();
        assertThat(order).isSorted().hasSize(50);
        assertThat(sender.entries).allSatisfy(e -> assertThat(e.commands()).hasSizeLessThanOrEqualTo(7));
        for (int i = 0; i < 50; i++) {
            assertThat(txIdOf(futures.get(i).get())).isEqualTo(i);
        }
    }

    @Test
    void aFailedEntryFailsEveryFutureOfItsGroupAndNoOther() throws Exception {
        start(256, 1);
        CompletableFuture<TxResult> a = committer.submit(new TxCommand.StartCommit(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 1);
        // With the only slot taken, these three form the second group.
        CompletableFuture<TxResult> b = committer.submit(new TxCommand.StartCommit(2));
        CompletableFuture<TxResult> c = committer.submit(new TxCommand.StartCommit(3));
        CompletableFuture<TxResult> d = committer.submit(new TxCommand.StartCommit(4));
        sender.succeed(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 2);
        assertThat(sender.entries.get(1).commands()).hasSize(3);

        NoQuorumException cause = new NoQuorumException("no leader", null);
        sender.fail(1, cause);

        assertThat(txIdOf(a.get(5, TimeUnit.SECONDS))).isEqualTo(1);
        for (CompletableFuture<TxResult> f : List.of(b, c, d)) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isSameAs(cause);
        }
        // The committer keeps going after a failure.
        CompletableFuture<TxResult> e = committer.submit(new TxCommand.StartCommit(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 3);
        sender.succeed(2);
        assertThat(txIdOf(e.get(5, TimeUnit.SECONDS))).isEqualTo(5);
    }

    @Test
    void aWrongNumberOfResultsFailsTheGroup() {
        GroupCommitter.Sender shortAnswer = entry -> CompletableFuture.completedFuture(List.of());
        committer = new GroupCommitter(shortAnswer, clock::incrementAndGet, 16, 1, "short").start();
        CompletableFuture<TxResult> f = committer.submit(new TxCommand.StartCommit(1));
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("0 results");
    }

    @Test
    void neverMoreEntriesInFlightThanTheBound() throws Exception {
        start(3, 2);
        List<CompletableFuture<TxResult>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            futures.add(committer.submit(new TxCommand.StartCommit(i)));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 2);
        // Both slots taken: nothing else is sent however long we wait for the drain loop.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> sender.sent() == 2);
        assertThat(sender.outstanding.get()).isEqualTo(2);

        sender.succeed(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 3);
        assertThat(sender.outstanding.get()).isEqualTo(2);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            sender.succeedAllSent();
            return futures.stream().allMatch(CompletableFuture::isDone);
        });
        assertThat(sender.maxOutstanding.get()).isEqualTo(2);
        assertThat(committer.maxObservedInFlight()).isLessThanOrEqualTo(2);
        assertThat(sender.entries).allSatisfy(e -> assertThat(e.commands()).hasSizeLessThanOrEqualTo(3));
        assertThat(committer.commandsSent()).isEqualTo(30);
    }

    @Test
    void aSenderThatThrowsFailsTheGroupAndReleasesItsSlot() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        GroupCommitter.Sender flaky = entry -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return CompletableFuture.completedFuture(
                    entry.commands().stream().<TxResult>map(c -> new TxResult.BatchApplied(List.of())).toList());
        };
        committer = new GroupCommitter(flaky, clock::incrementAndGet, 16, 1, "flaky").start();
        CompletableFuture<TxResult> first = committer.submit(new TxCommand.StartCommit(1));
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).cause().hasMessage("boom");
        CompletableFuture<TxResult> second = committer.submit(new TxCommand.StartCommit(2));
        assertThat(second.get(5, TimeUnit.SECONDS)).isInstanceOf(TxResult.BatchApplied.class);
    }

    @Test
    void closeFailsQueuedCommandsAndRejectsNewOnes() {
        start(256, 1);
        CompletableFuture<TxResult> inFlight = committer.submit(new TxCommand.StartCommit(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.sent() == 1);
        CompletableFuture<TxResult> queued = committer.submit(new TxCommand.StartCommit(2));

        committer.close();

        assertThatThrownBy(() -> queued.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(NoQuorumException.class);
        assertThatThrownBy(() -> committer.submit(new TxCommand.StartCommit(3)).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(NoQuorumException.class);
        // The entry already handed to the log still completes with the log's answer.
        sender.succeed(0);
        assertThat(inFlight).succeedsWithin(Duration.ofSeconds(5));
        assertThat(sender.sent()).isEqualTo(1);
    }

    @Test
    void rejectsBadBounds() {
        assertThatThrownBy(() -> new GroupCommitter(sender, clock::get, 0, 1, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatch");
        assertThatThrownBy(() -> new GroupCommitter(sender, clock::get, 1, 0, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlight");
    }
}
