package dev.verdict.participant.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Client side of the starter ({@code verdict.client.*}): apps that begin and commit global transactions.
 *
 * @param enabled whether the {@code GlobalTransactions} bean is created
 * @param coordinatorUrls base URLs of all coordinator nodes; when empty, {@code verdict.participant.coordinator-urls}
 * @param defaultTimeout transaction timeout used when the caller gives none
 * @param connectTimeout connect timeout of calls to the coordinator
 * @param readTimeout read timeout of calls to the coordinator; a commit waits for the whole prepare round
 * @param outcomePollTimeout how long commit keeps asking (the commit again while no node can serve it, then the
 *                           status) when the coordinator could not answer
 * @param deferBegins whether a begin that declares its participants asks to be deferred: answered without a log
 *                    write, its Begin logged with the commit or abort (docs/protocol.md, "Deferred begins")
 * @param leaseIds with {@code deferBegins}: whether the client mints its deferred begins' ids itself, from blocks
 *                 the coordinators lease it, so such a begin makes no call (docs/protocol.md, "Id leases")
 */
@ConfigurationProperties("verdict.client")
public record VerdictClientProperties(
        @DefaultValue("true") boolean enabled,
        List<URI> coordinatorUrls,
        @DefaultValue("30s") Duration defaultTimeout,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("30s") Duration readTimeout,
        @DefaultValue("30s") Duration outcomePollTimeout,
        @DefaultValue("false") boolean deferBegins,
        @DefaultValue("false") boolean leaseIds) {

    public VerdictClientProperties {
        coordinatorUrls = coordinatorUrls == null ? List.of() : List.copyOf(coordinatorUrls);
    }
}
