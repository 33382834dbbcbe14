package dev.verdict.coordinator.commit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A single-threaded scheduler on virtual time, cranked by the test. */
final class ManualScheduler implements Scheduler {
    private record Timed(long at, long seq, Runnable task) {
    }

    private final Deque<Runnable> ready = new ArrayDeque<>();
    private final List<Timed> timed = new ArrayList<>();
    private long now;
    private long seq;

    @Override
    public void execute(Runnable task) {
        ready.add(task);
    }

    @Override
    public void schedule(Runnable task, long delayMillis) {
        timed.add(new Timed(now + delayMillis, seq++, task));
    }

    @Override
    public long nowMillis() {
        return now;
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    void runReady() {
        while (!ready.isEmpty()) {
            ready.poll().run();
        }
    }

    /** Moves the clock, running every timed task that falls due on the way, in time order. */
    void advance(long millis) {
        long until = now + millis;
        while (true) {
            Timed next = timed.stream().filter(t -> t.at() <= until)
                    .min((x, y) -> x.at() != y.at() ? Long.compare(x.at(), y.at()) : Long.compare(x.seq(), y.seq()))
                    .orElse(null);
            if (next == null) {
                break;
            }
            timed.remove(next);
            now = Math.max(now, next.at());
            next.task().run();
            runReady();
        }
        now = until;
    }
}
