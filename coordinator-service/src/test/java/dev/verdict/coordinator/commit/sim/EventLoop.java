package dev.verdict.coordinator.commit.sim;

import java.util.PriorityQueue;

/** Discrete-event loop with virtual time: the only thread and the only clock of a simulation run. */
final class EventLoop {

    private record Event(long at, long seq, Runnable task) {
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    /** Runs {@code task} at the current virtual time, after what is already due. */
    void at0(Runnable task) {
        at(0, task);
    }

    long now() {
        return now;
    }

    void at(long delayMillis, Runnable task) {
        queue.add(new Event(now + Math.max(0, delayMillis), seq++, task));
    }

    /** Runs events until virtual time passes {@code until} or nothing is left; returns events run. */
    long runUntil(long until) {
        long count = 0;
        while (!queue.isEmpty() && queue.peek().at <= until) {
            Event event = queue.poll();
            now = event.at;
            event.task.run();
            count++;
        }
        now = Math.max(now, until);
        return count;
    }
}
