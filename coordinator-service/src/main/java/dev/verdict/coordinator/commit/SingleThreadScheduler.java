package dev.verdict.coordinator.commit;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The production {@link Scheduler}: one platform thread and the wall clock. */
public final class SingleThreadScheduler implements Scheduler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SingleThreadScheduler.class);

    private final ScheduledExecutorService executor;

    public SingleThreadScheduler(String name) {
        this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
    }

    /**
     * After {@link #close()} tasks are dropped: the node is shutting down and its driver has nothing left to do
     * (Ratis still reports the step-down of a closing node, for instance).
     */
    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException closed) {
            log.debug("driver closed; dropped a task");
        }
    }

    @Override
    public void schedule(Runnable task, long delayMillis) {
        try {
            executor.schedule(guarded(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            log.debug("driver closed; dropped a scheduled task");
        }
    }

    @Override
    public long nowMillis() {
        return System.currentTimeMillis();
    }

    /** One failing task must not kill the thread every other task runs on. */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Driver task failed", e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
