package dev.verdict.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.coordinator.log.InMemoryDecisionLog;
import dev.verdict.coordinator.log.ratis.RaftNodeConfig;
import dev.verdict.coordinator.log.ratis.RatisDecisionLog;
import dev.verdict.coordinator.testing.FreePorts;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Health follows whether the node takes part in the Raft group, not merely whether its process answers. */
class DecisionLogHealthIndicatorTest {

    @TempDir
    Path dir;

    @Test
    void upWhileTheLogServes() {
        Health health = new DecisionLogHealthIndicator(new InMemoryDecisionLog("n1", Runnable::run, () -> 0)).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("nodeId", "n1");
    }

    @Test
    void downWhileTheRaftServerIsNotRunning() {
        RaftNodeConfig config = RaftNodeConfig.of("health", "n1",
                Map.of("n1", "127.0.0.1:" + FreePorts.distinct(1).getFirst()), dir.resolve("n1"));
        try (RatisDecisionLog log = new RatisDecisionLog(config)) { // built, not started

            Health health = new DecisionLogHealthIndicator(log).health();

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("nodeId", "n1");
        }
    }
}
