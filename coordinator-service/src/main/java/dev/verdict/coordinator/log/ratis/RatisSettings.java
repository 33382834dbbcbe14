package dev.verdict.coordinator.log.ratis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;

/** How a Verdict node configures its Raft server and its Raft client, from its {@link RaftNodeConfig}. */
final class RatisSettings {

    /** Pause between client retries while no leader answers (a leader hint from a follower is used at once). */
    static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(50, TimeUnit.MILLISECONDS);
    static final int SNAPSHOTS_RETAINED = 3;

    private RatisSettings() {
    }

    static RaftProperties serverProperties(RaftNodeConfig config) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(config.dataDir().toFile()));
        GrpcConfigKeys.Server.setPort(properties, config.port());

        TimeDuration min = millis(config.electionTimeoutMin());
        TimeDuration max = millis(config.electionTimeoutMax());
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, min);
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, max);
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(properties, min);
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(properties, max);

        // A leader that lost its majority may run again soon (Ratis waits 10 s by default): after a partition heals
        // it may hold the only up-to-date log, and the group would be without a leader all that time.
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(properties,
                TimeDuration.valueOf(config.electionTimeoutMax().toMillis() * 2, TimeUnit.MILLISECONDS));

        // Verdict's reads of the table go through the log (TxCommand.Read: Ratis's read index lets a leader cut off
        // from its followers answer stale reads). The one read-only request, a follower waiting for a decision
        // (TransactionStateMachine#query), is answered by the leader's state machine at once: a decided view is
        // final wherever it is read, and the read index's heartbeat round added up to half a second to it.
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.DEFAULT);

        // Ratis logs an extra entry for every commit-index advance by default: a second append and fsync on every
        // node for each command. It only lets a restarted node apply before it hears from a leader; Verdict answers
        // nothing from an unconfirmed replica anyway (reads go through the log), so it is turned off.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, false);

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, config.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(properties, Math.max(1, Math.min(1024, config.snapshotThreshold())));
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, SNAPSHOTS_RETAINED);
        return properties;
    }

    static RaftProperties clientProperties(RaftNodeConfig config) {
        RaftProperties properties = new RaftProperties();
        // One attempt may wait this long (e.g. on a leader that lost its quorum) before the client retries elsewhere.
        long attemptMillis = Math.max(config.electionTimeoutMax().toMillis() * 2,
                Math.min(3_000, config.requestTimeout().toMillis() / 2));
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(attemptMillis, TimeUnit.MILLISECONDS));
        return properties;
    }

    /** Retries every kind of request across leader changes, until {@code requestTimeout} after it was issued. */
    static RetryPolicy retryPolicy(Duration requestTimeout) {
        RequestTypeDependentRetryPolicy.Builder builder = RequestTypeDependentRetryPolicy.newBuilder();
        RetryPolicy perAttempt = RetryPolicies.retryForeverWithSleep(RETRY_SLEEP);
        for (TypeCase type : TypeCase.values()) {
            builder.setRetryPolicy(type, perAttempt);
            builder.setTimeout(type, millis(requestTimeout));
        }
        return builder.build();
    }

    private static TimeDuration millis(Duration duration) {
        return TimeDuration.valueOf(duration.toMillis(), TimeUnit.MILLISECONDS);
    }
}
