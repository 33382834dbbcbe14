package dev.verdict.bank.gateway.cluster;

import dev.verdict.protocol.coordinator.ClusterStatus;
import java.net.URI;

/** One coordinator node as the gateway reaches it: its own view of the cluster, or why it did not answer. */
public record NodeView(URI url, boolean up, ClusterStatus status, String error) {
}
