package dev.verdict.bank.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunBudgetTest {

    @TempDir
    Path reports;

    @Test
    void aRunThatOverrunsItsBudgetIsInterruptedAndToldWhereItWas() {
        try (RunBudget budget = new RunBudget(Duration.ofMillis(300), 42, reports)) {
            budget.phase("waiting for something that never comes");

            // stands for any wait the run did not bound: only the watchdog's interrupt ends it
            assertThatThrownBy(() -> Thread.sleep(Duration.ofMinutes(5))).isInstanceOf(InterruptedException.class);

            assertThat(budget.overrunMessage())
                    .contains("seed 42", "waiting for something that never comes", "-Dverdict.chaos.seed=42");
            assertThat(reports.resolve("threads-test-jvm.txt")).content().contains("RunBudgetTest");
        }
    }

    @Test
    void aRunThatEndsInTimeIsLeftAlone() throws InterruptedException {
        Thread watchdog;
        try (RunBudget budget = new RunBudget(Duration.ofMinutes(5), 7, reports)) {
            watchdog = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("chaos-run-budget-7")).findFirst().orElseThrow();
            budget.phase("done");
        }
        watchdog.join(Duration.ofSeconds(30));

        assertThat(watchdog.isAlive()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(reports).isEmptyDirectory();
    }
}
