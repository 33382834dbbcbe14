package dev.verdict.participant.autoconfigure;

import dev.verdict.participant.web.BranchScope;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Participant side of the starter ({@code verdict.participant.*}).
 *
 * @param enabled whether this service takes part in global transactions as a participant
 * @param participantId this participant's id, unique in the cluster; part of every GID it prepares
 * @param advertisedUrl base URL the coordinator calls for prepare/commit/abort; defaults to
 *        {@code http://localhost:<server port>}, which only suits a single machine
 * @param coordinatorUrls base URLs of all coordinator nodes; any node serves any call
 * @param clusterId the coordinator cluster's id, part of every GID
 * @param branchTimeout how long a branch may stay open when the coordinator gives no deadline
 * @param lockTimeout PostgreSQL {@code lock_timeout} of branch transactions: bounds cross-shard lock waits
 * @param recoveryInterval how often in-doubt branches are resolved by asking the coordinator
 * @param reaperInterval how often open branches past their deadline are rolled back
 * @param endedMemorySize how many ended (aborted, prepared, committed) transaction ids are remembered
 * @param connectTimeout connect timeout of calls to the coordinator
 * @param readTimeout read timeout of calls to the coordinator
 * @param webBranchScope REQUEST: a request carrying Verdict-Tx runs wholly in the branch; ANNOTATED: only its
 *        {@code @BranchWork} methods do
 * @param declarationKey the coordinators' declaration key (the same shared secret, at least 32 characters): with
 *        it, a participant declared at begin opens its branch on the coordinator's seal, without an enlist call;
 *        unset, every branch enlists
 */
@ConfigurationProperties("verdict.participant")
public record VerdictParticipantProperties(
        @DefaultValue("true") boolean enabled,
        String participantId,
        URI advertisedUrl,
        List<URI> coordinatorUrls,
        @DefaultValue("verdict") String clusterId,
        @DefaultValue("60s") Duration branchTimeout,
        @DefaultValue("5s") Duration lockTimeout,
        @DefaultValue("5s") Duration recoveryInterval,
        @DefaultValue("1s") Duration reaperInterval,
        @DefaultValue("100000") int endedMemorySize,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("REQUEST") BranchScope webBranchScope,
        String declarationKey) {

    public VerdictParticipantProperties {
        coordinatorUrls = coordinatorUrls == null ? List.of() : List.copyOf(coordinatorUrls);
    }
}
