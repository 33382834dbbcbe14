package dev.verdict.bank.loadgen;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs N concurrent clients (virtual threads), each doing one transfer after another, for a warm-up and then a
 * measured duration. Only transfers that finish inside the measured window are counted; a client stops starting
 * transfers at the end of the window, and the run returns once every client has finished its last one.
 *
 * <p>With a transfer count, the measured part ends after exactly that many transfers were started after the
 * warm-up (or at the end of the duration, if that comes first): every one of them is counted, and the measured time
 * is from the end of the warm-up to the last one's answer. That makes the counts exact, e.g. for tests.
 *
 * <p>With a rate, the clients share a schedule of start slots ({@code rate} per second, evenly spaced) instead of
 * going as fast as they can; a client that is late starts at once (no catch-up beyond the clients available).
 */
public final class LoadRunner {

    /**
     * @param clients concurrent clients
     * @param warmup run, not counted, before the measured window
     * @param duration the measured window
     * @param ratePerSecond start slots per second over all clients, or 0 for as fast as possible
     * @param seed seed of the clients' random generators (client i uses a split of it)
     * @param transfers how many transfers to measure, or 0 for as many as the duration allows
     */
    public record Settings(int clients, Duration warmup, Duration duration, double ratePerSecond, long seed, long transfers) {

        public Settings(int clients, Duration warmup, Duration duration, double ratePerSecond, long seed) {
            this(clients, warmup, duration, ratePerSecond, seed, 0);
        }

        public Settings {
            if (clients < 1) {
                throw new IllegalArgumentException("clients must be at least 1, got " + clients);
            }
            if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("warm-up must be >= 0 and duration > 0");
            }
            if (ratePerSecond < 0 || transfers < 0) {
                throw new IllegalArgumentException("rate and transfers must be >= 0");
            }
        }

        public static Settings closedLoop(int clients, Duration warmup, Duration duration, long seed) {
            return new Settings(clients, warmup, duration, 0, seed, 0);
        }

        public Settings withTransfers(long count) {
            return new Settings(clients, warmup, duration, ratePerSecond, seed, count);
        }
    }

    private LoadRunner() {
    }

    public static LoadResult run(Settings settings, Function<RandomGenerator, Transfer> workload, TransferExecutor executor) {
        return run(settings, workload, executor, OutcomeListener.NONE);
    }

    public static LoadResult run(Settings settings, Function<RandomGenerator, Transfer> workload, TransferExecutor executor,
            OutcomeListener listener) {
        ResultRecorder recorder = new ResultRecorder();
        long begin = System.nanoTime();
        long measureFrom = begin + settings.warmup().toNanos();
        long end = measureFrom + settings.duration().toNanos();
        Pacer pacer = settings.ratePerSecond() > 0 ? new Pacer(begin, settings.ratePerSecond()) : null;
        Tickets tickets = settings.transfers() > 0 ? new Tickets(settings.transfers()) : null;
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < settings.clients(); i++) {
                RandomGenerator random = seeds.split();
                clients.submit(() -> client(random, workload, executor, listener, recorder, pacer, tickets, measureFrom, end));
            }
        }
        Duration measured = tickets == null ? settings.duration()
                : Duration.ofNanos(Math.max(1, tickets.lastAnswer.get() - measureFrom));
        return recorder.result(settings.clients(), measured);
    }

    private static void client(RandomGenerator random, Function<RandomGenerator, Transfer> workload,
            TransferExecutor executor, OutcomeListener listener, ResultRecorder recorder, Pacer pacer, Tickets tickets,
            long measureFrom, long end) {
        while (!Thread.currentThread().isInterrupted()) {
            if (pacer != null && !pacer.awaitSlot(end)) {
                return;
            }
            long start = System.nanoTime();
            if (start - end >= 0) {
                return;
            }
            boolean ticket = false;
            if (tickets != null && start - measureFrom >= 0) {
                if (!tickets.take()) {
                    return;
                }
                ticket = true;
            }
            Transfer transfer = workload.apply(random);
            Outcome outcome;
            try {
                outcome = executor.execute(transfer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception | Error e) {
                if (e instanceof VirtualMachineError vm) {
                    throw vm;
                }
                outcome = Outcome.error(e);
            }
            long finish = System.nanoTime();
            listener.onOutcome(transfer, outcome, start, finish);
            if (tickets != null) {
                if (ticket) {
                    recorder.record(outcome, finish - start);
                    tickets.lastAnswer.accumulateAndGet(finish, (a, b) -> a - b >= 0 ? a : b);
                }
            } else if (finish - measureFrom >= 0 && finish - end < 0) {
                recorder.record(outcome, finish - start);
            }
        }
    }

    /** The transfers left to measure in a counted run. */
    private static final class Tickets {

        private final AtomicLong left;
        private final AtomicLong lastAnswer = new AtomicLong(System.nanoTime());

        Tickets(long count) {
            this.left = new AtomicLong(count);
        }

        boolean take() {
            return left.getAndDecrement() > 0;
        }
    }

    /** Evenly spaced start slots shared by all clients. */
    static final class Pacer {

        private final AtomicLong nextSlot;
        private final long intervalNanos;

        Pacer(long firstSlot, double ratePerSecond) {
            this.nextSlot = new AtomicLong(firstSlot);
            this.intervalNanos = Math.max(1, (long) (1e9 / ratePerSecond));
        }

        /** Waits for this client's next slot; false when the slot is at or past {@code end}. */
        boolean awaitSlot(long end) {
            long now = System.nanoTime();
            // a late client takes the current time as its slot: no burst to make up for lost slots
            long slot = nextSlot.getAndUpdate(s -> Math.max(s, now - intervalNanos) + intervalNanos);
            slot = Math.max(slot, now - intervalNanos) + intervalNanos;
            if (slot - end >= 0) {
                return false;
            }
            long wait;
            while ((wait = slot - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
            }
            return true;
        }
    }
}
