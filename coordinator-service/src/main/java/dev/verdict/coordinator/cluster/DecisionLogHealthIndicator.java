package dev.verdict.coordinator.cluster;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.LogStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} is DOWN while this node does not take part in the Raft group. A node whose Raft server
 * closed itself (Ratis does so on an internal error) keeps its process, its HTTP port and its old view of the
 * group; without this it looked healthy while the group had one node fewer than it seemed, and the next crash of
 * another node could leave no majority.
 */
@Component("raftHealthIndicator") // the "raft" component of /actuator/health
class DecisionLogHealthIndicator implements HealthIndicator {

    private final DecisionLog log;

    DecisionLogHealthIndicator(DecisionLog log) {
        this.log = log;
    }

    @Override
    public Health health() {
        LogStatus status = log.status();
        Health.Builder health = status.serving() ? Health.up() : Health.down();
        return health.withDetail("nodeId", status.nodeId())
                .withDetail("term", status.term())
                .withDetail("appliedIndex", status.appliedIndex())
                .build();
    }
}
