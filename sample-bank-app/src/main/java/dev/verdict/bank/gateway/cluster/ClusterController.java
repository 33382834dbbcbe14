package dev.verdict.bank.gateway.cluster;

import dev.verdict.protocol.coordinator.ClusterStatus;
import java.util.List;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/cluster}: a coordinator's {@code /v1/cluster}; {@code /api/cluster/nodes}: every node's. */
@RestController
@Profile("gateway")
class ClusterController {

    private final ClusterService cluster;

    ClusterController(ClusterService cluster) {
        this.cluster = cluster;
    }

    @GetMapping("/api/cluster")
    ClusterStatus cluster() {
        return cluster.cluster();
    }

    @GetMapping("/api/cluster/nodes")
    List<NodeView> nodes() {
        return cluster.nodes();
    }
}
