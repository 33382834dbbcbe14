package dev.verdict.participant.recovery;

import dev.verdict.participant.branch.BranchReaper;
import dev.verdict.participant.branch.PreparedTransactions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.SmartLifecycle;

/**
 * Runs recovery (at once, then every recovery-interval) and the deadline reaper on the agent's own threads,
 * so neither depends on the app enabling scheduling, and a slow coordinator never delays the reaper. Stopped
 * before the DataSource closes; open branches are rolled back then.
 *
 * <p>The branches left prepared by an earlier life of this agent are listed as soon as this bean exists and
 * resolved at once on the recovery thread, not when the other lifecycle beans start: the app's own start-up work (a
 * {@code SmartInitializingSingleton}, a seeder, a cache warm-up) may touch rows such a branch still locks, and only
 * recovery can release them, so waiting for the app to finish starting could wait forever (the bank's chaos run
 * found exactly that). The periodic rounds start with the lifecycle.
 */
public final class ParticipantMaintenance implements SmartLifecycle, InitializingBean, DisposableBean {

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
    public synchronized void afterPropertiesSet() {
        // Listed here, before the app's start-up callbacks run; resolved on the recovery thread, since the
        // coordinator may be slow or down and the start must not wait for it.
        List<PreparedTransactions.Prepared> leftByAnEarlierLife = recovery.inDoubt();
        recoveryThread = newThread("verdict-recovery");
        recoveryThread.execute(guarded("recovery", () -> recovery.resolve(leftByAnEarlierLife)));
    }

    @Override
    public synchronized void start() {
        if (recoveryThread == null) { // started again after a stop()
            recoveryThread = newThread("verdict-recovery");
        }
        recoveryThread.scheduleWithFixedDelay(guarded("recovery", () -> recovery.recover()), 0,
                recoveryInterval.toMillis(), TimeUnit.MILLISECONDS);
        reaperThread = newThread("verdict-reaper");
        reaperThread.scheduleWithFixedDelay(guarded("reaper", () -> reaper.reap()), reaperInterval.toMillis(),
                reaperInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        shutDown(recoveryThread);
        recoveryThread = null;
        if (reaperThread == null) {
            return;
        }
        shutDown(reaperThread);
        reaperThread = null;
        reaper.rollbackAll();
    }

    /** A context that fails to start is never stopped, only destroyed: recovery must end then too. */
    @Override
    public void destroy() {
        stop();
    }

    private static ScheduledExecutorService newThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(name).factory());
    }

    private static void shutDown(ScheduledExecutorService thread) {
        if (thread == null) {
            return;
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the web server (lower phase): requests finishing their branch work are not cut off. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    /** Running once started as a lifecycle bean (the reaper runs); recovery alone runs from creation on. */
    @Override
    public synchronized boolean isRunning() {
        return reaperThread != null;
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
