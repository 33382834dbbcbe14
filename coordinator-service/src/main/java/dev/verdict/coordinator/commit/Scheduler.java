package dev.verdict.coordinator.commit;

import java.util.concurrent.Executor;

/**
 * The driver's single thread and clock. Everything the driver does runs on it, so the driver needs no locks, and
 * a simulation can replace it with a seeded discrete-event loop and virtual time.
 */
public interface Scheduler extends Executor {

    /** Runs {@code task} on the driver's thread, after the tasks already queued. */
    @Override
    void execute(Runnable task);

    /** Runs {@code task} on the driver's thread after {@code delayMillis}. */
    void schedule(Runnable task, long delayMillis);

    long nowMillis();
}
