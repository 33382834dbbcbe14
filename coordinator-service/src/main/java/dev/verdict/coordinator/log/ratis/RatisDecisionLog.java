package dev.verdict.coordinator.log.ratis;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.GroupCommitter;
import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.log.LogStatus;
import dev.verdict.coordinator.log.NoQuorumException;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.NetUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision log replicated by Apache Ratis: one Raft server (gRPC) for this node, plus a Raft client over the
 * group that this node uses to propose (through the leader, wherever it is). Reads are proposals too: a
 * {@link TxCommand.Read} through the log (see {@link #query}).
 *
 * <p>Usage:
 * <pre>{@code
 * RaftNodeConfig config = RaftNodeConfig.of("prod", "n1",
 *         Map.of("n1", "c1:9870", "n2", "c2:9870", "n3", "c3:9870"), Path.of("/var/lib/verdict/raft"));
 * RatisDecisionLog log = new RatisDecisionLog(config);
 * log.addListener(driver);   // optional: register before start() to hear the replay of the local log too
 * log.start();               // or RatisDecisionLog.start(config)
 * ...
 * log.close();
 * }</pre>
 *
 * <p>Proposals, and the waits for a decision at the leader, go through this node's {@link LeaderClient}:
 * concurrent commands share one Raft entry ({@link GroupCommitter}); every proposal is retried across leader
 * changes, but for at most {@code requestTimeout}; then it fails with {@link NoQuorumException} (for a change:
 * outcome unknown).
 */
public final class RatisDecisionLog implements DecisionLog {

    private static final Logger LOG = LoggerFactory.getLogger(RatisDecisionLog.class);

    private final RaftNodeConfig config;
    private final LocalReplica replica;
    private final TransactionStateMachine stateMachine;
    private final RaftGroup group;
    private final RaftPeerId selfId;
    private final LeaderClient leaderClient;
    private final ElectionOnLeaderDeath electionOnLeaderDeath;
    private final LeaderDeathWatch leaderDeathWatch;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Consumer<RaftProperties> serverTuning;
    private volatile RaftServer server;

    /** Builds the node without starting it; see {@link #start()}. */
    public RatisDecisionLog(RaftNodeConfig config) {
        this(config, new LocalReplica());
    }

    public RatisDecisionLog(RaftNodeConfig config, LocalReplica replica) {
        this(config, replica, properties -> {
        });
    }

    /** With the Raft server's properties adjusted after Verdict's own: for tests (e.g. a log purged early). */
    RatisDecisionLog(RaftNodeConfig config, LocalReplica replica, Consumer<RaftProperties> serverTuning) {
        this.config = Objects.requireNonNull(config, "config");
        this.replica = Objects.requireNonNull(replica, "replica");
        this.serverTuning = Objects.requireNonNull(serverTuning, "serverTuning");
        List<RaftPeer> peers = new ArrayList<>();
        config.peers().forEach((id, address) -> peers.add(RaftPeer.newBuilder().setId(id).setAddress(address).build()));
        this.group = RaftGroup.valueOf(config.groupId(), peers);
        this.selfId = RaftPeerId.valueOf(config.nodeId());
        this.leaderClient = new LeaderClient(config, group, this::knownLeader);
        this.electionOnLeaderDeath = new ElectionOnLeaderDeath(selfId, group, config.electionTimeoutMin(), () -> server);
        this.leaderDeathWatch = new LeaderDeathWatch(config.electionTimeoutMin(), electionOnLeaderDeath::leaderGone);
        this.stateMachine = new TransactionStateMachine(replica, this::leaderReady);
    }

    /** Builds and starts a node. */
    public static RatisDecisionLog start(RaftNodeConfig config) {
        RatisDecisionLog log = new RatisDecisionLog(config);
        try {
            log.start();
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        return log;
    }

    /**
     * Starts the Raft server (recovering the log and latest snapshot from {@code dataDir}, or formatting it on
     * first start), the Raft client and the group-commit thread.
     *
     * @throws UncheckedIOException if the storage cannot be opened or the port cannot be bound
     */
    public RatisDecisionLog start() {
        if (closed.get()) {
            throw new IllegalStateException("decision log of " + config.nodeId() + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            return this;
        }
        try {
            Files.createDirectories(config.dataDir());
            RaftProperties properties = RatisSettings.serverProperties(config);
            serverTuning.accept(properties);
            RaftServer raftServer = RaftServer.newBuilder()
                    .setServerId(selfId)
                    .setGroup(group)
                    .setStateMachine(stateMachine)
                    .setProperties(properties)
                    .setOption(RaftStorage.StartupOption.RECOVER)
                    .build();
            this.server = raftServer;
            raftServer.start();
            leaderClient.start();
            LOG.info("decision log node {} started at {} (group {}, data {})",
                    config.nodeId(), config.address(), group.getGroupId(), config.dataDir());
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start Raft node " + config.nodeId() + " at " + config.address(), e);
        }
    }

    /** Aims this node's proposals at a new leader (see {@link LeaderClient#aimAt}). */
    void aimAt(RaftPeerId leader) {
        leaderClient.aimAt(leader);
    }

    /**
     * A leader is ready: this node's proposals go to it, and while it is another node, its process is watched so
     * that its death starts an election at once ({@link LeaderDeathWatch}, {@link ElectionOnLeaderDeath}).
     */
    private void leaderReady(RaftPeerId leader) {
        leaderClient.aimAt(leader);
        if (leader.equals(selfId)) {
            leaderDeathWatch.stop();
            return;
        }
        RaftServer raftServer = server;
        String address = config.peers().get(leader.toString());
        if (raftServer == null || address == null) {
            return;
        }
        try {
            long term = raftServer.getDivision(group.getGroupId()).getInfo().getCurrentTerm();
            leaderDeathWatch.watch(new LeaderDeathWatch.Target(leader.toString(), term, NetUtils.createSocketAddr(address)));
            electionOnLeaderDeath.prepare(leader.toString());
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: not watching leader {}", config.nodeId(), leader, e);
        }
    }

    /** Elections this node started at once because its leader's process was gone (for tests). */
    long electionsOnLeaderDeath() {
        return electionOnLeaderDeath.started();
    }

    /** The leader whose process this node watches, or null (for tests). */
    String watchedLeader() {
        return leaderDeathWatch.watchedLeader();
    }

    /** Entries handed to the Raft client so far (for tests: a proposal is in flight once this moved). */
    long entriesSent() {
        return leaderClient.entriesSent();
    }

    /** Raft clients this node has built for its proposals (for tests: a replacement adds one). */
    long proposalClientsBuilt() {
        return leaderClient.clientsBuilt();
    }

    /** The node this log's proposals are sent to first (the leader its Raft client believes in), or null. */
    String proposalTarget() {
        return leaderClient.proposalTarget();
    }

    /** The leader this node's server has heard of, or null (none yet, or the server is not running). */
    private RaftPeerId knownLeader() {
        RaftServer raftServer = server;
        if (raftServer == null) {
            return null;
        }
        try {
            return raftServer.getDivision(group.getGroupId()).getInfo().getLeaderId();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- DecisionLog

    @Override
    public CompletableFuture<TxResult> propose(TxCommand command) {
        Objects.requireNonNull(command, "command");
        if (!started.get() || closed.get()) {
            return CompletableFuture.failedFuture(notRunning());
        }
        return leaderClient.propose(command);
    }

    /**
     * A linearizable read: a {@link TxCommand.Read} through the log, answered by its apply on the leader. Not a
     * Ratis read-index read, which a leader cut off from its followers keeps answering from its own, stale state
     * until it steps down (see {@link TxCommand.Read}).
     */
    @Override
    public CompletableFuture<List<TransactionView>> query(TxQuery query) {
        Objects.requireNonNull(query, "query");
        return propose(new TxCommand.Read(query)).thenApply(result -> switch (result) {
            case TxResult.Viewed viewed -> viewed.views();
            default -> throw new IllegalStateException("a read answered with " + result);
        });
    }

    private NoQuorumException notRunning() {
        return new NoQuorumException("decision log of " + config.nodeId()
                + (closed.get() ? " is closed" : " is not started"), null);
    }

    @Override
    public LocalReplica replica() {
        return replica;
    }

    /**
     * A follower asks the leader as well as its replica: Ratis tells a follower that an entry is committed only
     * with the next entry or heartbeat it sends, so in a quiet log a follower applies a decision a heartbeat
     * interval or more after the leader did (a commit asked of a follower, for a transaction with nothing to
     * prepare, was answered after half a second). The leader answers as soon as it has applied the decision.
     */
    @Override
    public CompletableFuture<TransactionView> awaitDecision(long txId) {
        CompletableFuture<TransactionView> applied = replica.awaitDecision(txId);
        if (applied.isDone() || stateMachine.leaderTerm() > 0) {
            return applied; // decided already, or this replica is the leader's
        }
        CompletableFuture<TransactionView> decision = new CompletableFuture<>();
        applied.thenAccept(decision::complete);
        decision.whenComplete((view, failure) -> applied.cancel(false));
        leaderClient.askLeader(txId, decision);
        return decision;
    }

    /**
     * Registers for apply events (every command applied to this node's replica), proposals reaching this node as
     * leader, and leadership events. A listener
     * added while this node leads hears {@code onLeadershipChange(true, term)} at once. A listener that throws is
     * logged and never disturbs the log.
     */
    @Override
    public void addListener(LogListener listener) {
        Objects.requireNonNull(listener, "listener");
        LogListener guarded = new GuardedListener(listener);
        replica.addListener(guarded);
        stateMachine.addLeadershipListener(guarded);
    }

    @Override
    public LogStatus status() {
        RaftServer raftServer = server;
        List<LogStatus.Member> configured = new ArrayList<>();
        config.peers().forEach((id, address) -> configured.add(new LogStatus.Member(id, address)));
        if (raftServer == null || closed.get()) {
            return new LogStatus(config.nodeId(), false, null, 0, 0, replica.appliedIndex(), configured);
        }
        try {
            RaftServer.Division division = raftServer.getDivision(group.getGroupId());
            var info = division.getInfo();
            RaftPeerId leader = info.getLeaderId();
            List<String> order = new ArrayList<>(config.peers().keySet());
            List<LogStatus.Member> members = new ArrayList<>();
            for (RaftPeer peer : division.getRaftConf().getCurrentPeers()) {
                members.add(new LogStatus.Member(peer.getId().toString(), peer.getAddress()));
            }
            members.sort(Comparator.comparingInt((LogStatus.Member m) -> {
                int i = order.indexOf(m.nodeId());
                return i < 0 ? Integer.MAX_VALUE : i;
            }).thenComparing(LogStatus.Member::nodeId));
            return new LogStatus(config.nodeId(), info.getLifeCycleState() == LifeCycle.State.RUNNING,
                    leader == null ? null : leader.toString(), info.getCurrentTerm(),
                    division.getRaftLog().getLastCommittedIndex(), info.getLastAppliedIndex(),
                    members.isEmpty() ? configured : members);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: no Raft status", config.nodeId(), e);
            return new LogStatus(config.nodeId(), false, null, 0, 0, replica.appliedIndex(), configured);
        }
    }

    // ---------------------------------------------------------------- operations and tests

    /**
     * Takes a snapshot of this node's state machine now (the log before it can then be purged).
     *
     * @return the log index the snapshot covers
     * @throws NoQuorumException if the server did not take it
     */
    public long takeSnapshot() {
        RaftClient raftClient = leaderClient.current();
        if (raftClient == null || closed.get()) {
            throw notRunning();
        }
        try {
            RaftClientReply reply = raftClient.getSnapshotManagementApi(selfId)
                    .create(true, config.requestTimeout().toMillis());
            if (!reply.isSuccess()) {
                throw new NoQuorumException(config.nodeId() + ": snapshot refused: " + reply.getException(),
                        reply.getException());
            }
            return reply.getLogIndex();
        } catch (IOException e) {
            throw new NoQuorumException(config.nodeId() + ": snapshot failed: " + e, e);
        }
    }

    /** The first index this node's Raft log still holds (earlier ones are purged, kept only in a snapshot). */
    long logStartIndex() throws IOException {
        return division().getRaftLog().getStartIndex();
    }

    /** This node's member of the Raft group: for tests. */
    RaftServer.Division division() throws IOException {
        return server.getDivision(group.getGroupId());
    }

    public RaftNodeConfig config() {
        return config;
    }

    /** The Ratis state machine of this node (snapshot indexes, leadership term). */
    public TransactionStateMachine stateMachine() {
        return stateMachine;
    }

    /** The term this node leads and is ready in, or 0 when it does not lead. */
    public long leaderTerm() {
        return stateMachine.leaderTerm();
    }

    /** Stops the group committer, the client and the server (releasing its port and storage lock). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        leaderDeathWatch.close();
        electionOnLeaderDeath.close();
        leaderClient.close();
        RaftServer raftServer = server;
        if (raftServer != null) {
            try {
                raftServer.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: closing the Raft server failed", config.nodeId(), e);
            }
        }
        stateMachine.lostLeadership("log closed");
        LOG.info("decision log node {} closed", config.nodeId());
    }

    @Override
    public String toString() {
        return "RatisDecisionLog[" + config.nodeId() + "@" + config.address() + "]";
    }
}
