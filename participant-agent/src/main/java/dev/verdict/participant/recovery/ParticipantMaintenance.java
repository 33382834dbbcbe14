package dev.verdict.participant.recovery;

import dev.verdict.participant.branch.BranchReaper;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs recovery (at start, then every recovery-interval) and the deadline reaper on the agent's own threads,
 * so neither depends on the app enabling scheduling, and a slow coordinator never delays the reaper. Stopped
 * before the DataSource closes; open branches are rolled back then.
 */
public final class ParticipantMaintenance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ParticipantMaintenance.class);

    private final InDoubtRecovery recovery;
    private final BranchReaper reaper;
    private final Duration recoveryInterval;
    private final Duration reaperInterval;
    private ScheduledExecutorService recoveryThread;
    private ScheduledExecutorService reaperThread;

    public ParticipantMaintenance(InDoubtRecovery recovery, BranchReaper reaper, Duration recoveryInterval,
            Duration reaperInterval) {
        this.recovery = recovery;
        this.reaper = reaper;
        this.recoveryInterval = recoveryInterval;
        this.reaperInterval = reaperInterval;
    }

    @Override
    public synchronized void start() {
        recoveryThread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("verdict-recovery").factory());
        reaperThread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("verdict-reaper").factory());
        recoveryThread.scheduleWithFixedDelay(guarded("recovery", () -> recovery.recover()), 0,
                recoveryInterval.toMillis(), TimeUnit.MILLISECONDS);
        reaperThread.scheduleWithFixedDelay(guarded("reaper", () -> reaper.reap()), reaperInterval.toMillis(),
                reaperInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (recoveryThread == null) {
            return;
        }
        recoveryThread.shutdownNow();
        reaperThread.shutdownNow();
        try {
            recoveryThread.awaitTermination(5, TimeUnit.SECONDS);
            reaperThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recoveryThread = null;
        reaperThread = null;
        reaper.rollbackAll();
    }

    /** Stops after the web server (lower phase): requests finishing their branch work are not cut off. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    @Override
    public synchronized boolean isRunning() {
        return recoveryThread != null;
    }

    /** A failing round must not cancel the schedule (an exception would end scheduleWithFixedDelay). */
    private static Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{} round failed: {}", name, e.toString());
            }
        };
    }
}
