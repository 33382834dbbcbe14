package dev.verdict.coordinator.cluster;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.LogStatus;
import dev.verdict.protocol.coordinator.ClusterMember;
import dev.verdict.protocol.coordinator.ClusterStatus;
import org.springframework.stereotype.Component;

/** This node's view of the coordinator cluster, for the API, the console and health. */
@Component
public class ClusterView {

    private final DecisionLog log;
    private final CoordinatorProperties properties;

    ClusterView(DecisionLog log, CoordinatorProperties properties) {
        this.log = log;
        this.properties = properties;
    }

    public ClusterStatus status() {
        LogStatus status = log.status();
        return new ClusterStatus(properties.clusterId(), status.nodeId(), status.leaderId(), status.term(),
                status.commitIndex(), status.appliedIndex(),
                status.members().stream()
                        .map(m -> new ClusterMember(m.nodeId(), m.address(), m.nodeId().equals(status.leaderId())))
                        .toList(),
                status.serving());
    }
}
