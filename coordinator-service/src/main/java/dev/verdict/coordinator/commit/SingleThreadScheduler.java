package dev.verdict.coordinator.commit;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The production {@link Scheduler}: one platform thread and the wall clock. */
public final class SingleThreadScheduler implements Scheduler, AutoCloseable {

    private final ScheduledExecutorService executor;

    public SingleThreadScheduler(String name) {
        this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(guarded(task));
    }

    @Override
    public void schedule(Runnable task, long delayMillis) {
        if (!executor.isShutdown()) {
            executor.schedule(guarded(task), delayMillis, TimeUnit.MILLISECONDS);
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
                org.slf4j.LoggerFactory.getLogger(SingleThreadScheduler.class).error("Driver task failed", e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
