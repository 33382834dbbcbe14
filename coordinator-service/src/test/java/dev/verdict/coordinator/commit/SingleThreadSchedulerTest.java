package dev.verdict.coordinator.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SingleThreadSchedulerTest {

    @Test
    void runsTasksOnItsThreadAndSurvivesAFailingOne() throws InterruptedException {
        try (SingleThreadScheduler scheduler = new SingleThreadScheduler("test-driver")) {
            CountDownLatch ran = new CountDownLatch(2);
            scheduler.execute(() -> {
                throw new IllegalStateException("one task fails");
            });
            scheduler.execute(() -> {
                assertThat(Thread.currentThread().getName()).isEqualTo("test-driver");
                ran.countDown();
            });
            scheduler.schedule(ran::countDown, 10);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Ratis reports the step-down of a closing node after its driver closed: nothing to do, nothing to throw. */
    @Test
    void dropsTasksAfterClose() {
        SingleThreadScheduler scheduler = new SingleThreadScheduler("test-driver");
        scheduler.close();
        AtomicBoolean ran = new AtomicBoolean();
        assertThatCode(() -> scheduler.execute(() -> ran.set(true))).doesNotThrowAnyException();
        assertThatCode(() -> scheduler.schedule(() -> ran.set(true), 0)).doesNotThrowAnyException();
        assertThat(ran).isFalse();
    }
}
