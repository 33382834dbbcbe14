package dev.verdict.coordinator.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of one coordinator node ({@code verdict.coordinator.*}).
 *
 * @param nodeId                    this node's id: one of the ids named in {@code peers}
 * @param peers                     every node of the Raft group as {@code id=host:port}, comma separated
 * @param dataDir                   where this node keeps its Raft log and snapshots; a restart with the same dir recovers
 * @param clusterId                 names the cluster: the Raft group and every participant's GIDs derive from it
 * @param electionTimeoutMin        lower bound of the randomised Raft election timeout
 * @param electionTimeoutMax        upper bound of the randomised Raft election timeout
 * @param snapshotThreshold         log entries applied between two snapshots
 * @param requestTimeout            how long a log write or linearizable read may take before the request fails with 503,
 *                                  and how long a command may wait at this node to be sent
 * @param defaultTransactionTimeout deadline of a transaction begun without {@code timeoutMs}
 * @param commitWaitMax             the longest a commit request waits for its decision before 504 DECISION_PENDING
 * @param participantCallTimeout    time limit of one PREPARE, COMMIT or ABORT call to a participant
 * @param prepareGrace              how long past its deadline a PREPARING transaction may still finish its round; a
 *                                  commit asked of the leader with less than this left is frozen through the log
 * @param retryMin                  first backoff of a phase-2 redelivery
 * @param retryMax                  cap of the phase-2 redelivery backoff
 * @param forgetAfter               how long a decision acknowledged by every participant stays readable
 * @param acknowledgementDelay      how long a participant's acknowledgement of phase 2 may wait for others to share
 *                                  its log write (acknowledgements only let a decision be forgotten, so waiting
 *                                  costs nothing but memory; fewer writes leave the log to the decisions)
 * @param phaseTwoCallsInFlight     phase-2 calls under way to one participant at most; the decisions that come while
 *                                  they are leave together in the next call (at rest a decision leaves at once)
 * @param declarationKey            shared secret (at least 32 characters) with which a begin's answer seals the
 *                                  participants it declared, so agents holding the same key open their branches
 *                                  without an enlist call; unset, every agent enlists
 */
@ConfigurationProperties("verdict.coordinator")
public record CoordinatorProperties(
        String nodeId,
        List<String> peers,
        Path dataDir,
        @DefaultValue("verdict") String clusterId,
        @DefaultValue("250ms") Duration electionTimeoutMin,
        @DefaultValue("500ms") Duration electionTimeoutMax,
        @DefaultValue("10000") long snapshotThreshold,
        @DefaultValue("5s") Duration requestTimeout,
        @DefaultValue("10s") Duration defaultTransactionTimeout,
        @DefaultValue("30s") Duration commitWaitMax,
        @DefaultValue("2s") Duration participantCallTimeout,
        @DefaultValue("2s") Duration prepareGrace,
        @DefaultValue("50ms") Duration retryMin,
        @DefaultValue("2s") Duration retryMax,
        @DefaultValue("10m") Duration forgetAfter,
        @DefaultValue("25ms") Duration acknowledgementDelay,
        @DefaultValue("1") int phaseTwoCallsInFlight,
        String declarationKey) {
}
