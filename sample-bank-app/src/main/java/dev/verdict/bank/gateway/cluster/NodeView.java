package dev.verdict.bank.gateway.cluster;

import dev.verdict.protocol.coordinator.ClusterStatus;
import java.net.URI;

/**
 * One coordinator node as the gateway reaches it: its own view of the cluster, or why it did not answer.
 *
 * @param url        where the gateway reaches it
 * @param consoleUrl where a browser reaches its console (the same URL unless {@code bank.coordinator-console-urls}
 *                   says otherwise)
 */
public record NodeView(URI url, URI consoleUrl, boolean up, ClusterStatus status, String error) {
}
