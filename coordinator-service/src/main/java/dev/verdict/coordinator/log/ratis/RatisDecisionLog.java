package dev.verdict.coordinator.log.ratis;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.GroupCommitter;
import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.log.LogStatus;
import dev.verdict.coordinator.log.NoQuorumException;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCodec;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
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
 * <p>Proposals go through a {@link GroupCommitter}: concurrent commands share one Raft entry. Every proposal is
 * retried by the Raft client across leader changes, but for at most {@code requestTimeout}; then it fails with
 * {@link NoQuorumException} (for a change: outcome unknown).
 */
public final class RatisDecisionLog implements DecisionLog {

    private static final Logger LOG = LoggerFactory.getLogger(RatisDecisionLog.class);

    private final RaftNodeConfig config;
    private final LocalReplica replica;
    private final TransactionStateMachine stateMachine;
    private final RaftGroup group;
    private final RaftPeerId selfId;
    private final GroupCommitter committer;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile RaftServer server;
    private final Object clientLock = new Object();
    private final java.util.Queue<Thread> closers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile RaftClient client;
    /** Entries proposed and not yet answered; {@link #aimAt} sends the repeatable ones again. */
    private final Set<Proposal> proposals = ConcurrentHashMap.newKeySet();
    /** Clients replaced by {@link #aimAt} that still carry proposals; closed once those are answered. */
    private final Set<RaftClient> retiring = ConcurrentHashMap.newKeySet();

    /** Builds the node without starting it; see {@link #start()}. */
    public RatisDecisionLog(RaftNodeConfig config) {
        this(config, new LocalReplica());
    }

    public RatisDecisionLog(RaftNodeConfig config, LocalReplica replica) {
        this.config = Objects.requireNonNull(config, "config");
        this.replica = Objects.requireNonNull(replica, "replica");
        this.stateMachine = new TransactionStateMachine(replica, this::aimAt);
        List<RaftPeer> peers = new ArrayList<>();
        config.peers().forEach((id, address) -> peers.add(RaftPeer.newBuilder().setId(id).setAddress(address).build()));
        this.group = RaftGroup.valueOf(config.groupId(), peers);
        this.selfId = RaftPeerId.valueOf(config.nodeId());
        this.committer = new GroupCommitter(this::sendEntry, System::currentTimeMillis,
                GroupCommitter.DEFAULT_MAX_BATCH, GroupCommitter.DEFAULT_MAX_IN_FLIGHT, config.nodeId());
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
            RaftServer raftServer = RaftServer.newBuilder()
                    .setServerId(selfId)
                    .setGroup(group)
                    .setStateMachine(stateMachine)
                    .setProperties(RatisSettings.serverProperties(config))
                    .setOption(RaftStorage.StartupOption.RECOVER)
                    .build();
            this.server = raftServer;
            raftServer.start();
            this.client = newClient();
            committer.start();
            LOG.info("decision log node {} started at {} (group {}, data {})",
                    config.nodeId(), config.address(), group.getGroupId(), config.dataDir());
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start Raft node " + config.nodeId() + " at " + config.address(), e);
        }
    }

    /**
     * A client aimed at the leader this node's server knows of. Without that it starts at the group's first peer,
     * and when that peer is an old leader cut off by a partition (its connections hang rather than fail), every
     * request spent its whole time limit waiting there, the client was replaced, and the next one started there
     * again: a node could not propose for as long as the partition lasted (ChaosNetworkIT, isolating the leader).
     */
    private RaftClient newClient() {
        return newClient(knownLeader());
    }

    private RaftClient newClient(RaftPeerId leader) {
        RaftClient.Builder builder = RaftClient.newBuilder()
                .setClientId(ClientId.randomId())
                .setRaftGroup(group)
                .setProperties(RatisSettings.clientProperties(config))
                .setRetryPolicy(RatisSettings.retryPolicy(config.requestTimeout()));
        if (leader != null) {
            builder.setLeaderId(leader);
        }
        return builder.build();
    }

    /**
     * Aims proposals at a new leader, once it is ready (see {@link TransactionStateMachine#notifyLeaderChanged}).
     * A client left aimed at a dead leader spends a whole
     * attempt (seconds) on it before it asks elsewhere, and every entry in flight holds a group-commit slot all
     * that time: after a leader died, the survivors could not commit for 2-3 s after the election (the benchmark's
     * failover mode). So the client is replaced by one aimed at the new leader, the entries in flight through the
     * old one are sent again through the new one (see {@link Proposal}) instead of waiting for the dead node, and
     * the old client is closed.
     */
    void aimAt(RaftPeerId leader) {
        RaftClient old;
        synchronized (clientLock) {
            RaftClient current = client;
            if (closed.get() || current == null || leader.equals(current.getLeaderId())) {
                return;
            }
            old = current;
            client = newClient(leader);
        }
        LOG.info("{}: Raft client aimed at the new leader {}", config.nodeId(), leader);
        List<CompletableFuture<?>> leftWithOld = new ArrayList<>();
        for (Proposal proposal : proposals) {
            if (proposal.mayResend() && proposal.via.compareAndSet(old, null)) {
                attempt(proposal);
            } else if (proposal.via.get() == old) {
                leftWithOld.add(proposal.result);
            }
        }
        // A proposal that may not be sent twice (a Begin without an idempotency key) stays with the old client,
        // which finds the leader on its own, so it is closed only once those are answered (or have timed out).
        // Closing waits for the old client's channels (up to seconds, for a dead node): off this thread.
        retiring.add(old);
        CompletableFuture.allOf(leftWithOld.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, failure) -> {
                    if (retiring.remove(old)) {
                        closeInBackground(old);
                    }
                });
    }

    /** Entries handed to the Raft client so far (for tests: a proposal is in flight once this moved). */
    long entriesSent() {
        return committer.entriesSent();
    }

    /** The node this log's proposals are sent to first (the leader its Raft client believes in), or null. */
    String proposalTarget() {
        RaftClient current = client;
        RaftPeerId leader = current == null ? null : current.getLeaderId();
        return leader == null ? null : leader.toString();
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

    /**
     * Replaces a client whose write failed. Once the Raft client gives up on an ordered (write) request it closes
     * its sliding window for good, and every later write through it would fail at once; so the log starts over
     * with a fresh client. The old one is closed off the caller's thread (it may be a gRPC callback thread).
     */
    private void replaceClient(RaftClient failed) {
        RaftClient old;
        synchronized (clientLock) {
            if (closed.get() || client != failed) {
                return; // already replaced (or closing)
            }
            old = failed;
            client = newClient();
        }
        LOG.info("{}: replaced the Raft client after a failed request", config.nodeId());
        closeInBackground(old);
    }

    /** Off the caller's thread: it may be a gRPC callback or Ratis server thread. */
    private void closeInBackground(RaftClient old) {
        Thread closer = Thread.ofPlatform().daemon(true).name("verdict-client-close-" + config.nodeId())
                .start(() -> closeQuietly(old));
        closers.add(closer);
        closers.removeIf(t -> !t.isAlive());
    }

    private void closeQuietly(RaftClient raftClient) {
        try {
            raftClient.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: closing a Raft client failed", config.nodeId(), e);
        }
    }

    // ---------------------------------------------------------------- DecisionLog

    @Override
    public CompletableFuture<TxResult> propose(TxCommand command) {
        Objects.requireNonNull(command, "command");
        if (!started.get() || closed.get()) {
            return CompletableFuture.failedFuture(notRunning());
        }
        return committer.submit(command);
    }

    /** Sends one group of commands as one Raft entry. */
    private CompletableFuture<List<TxResult>> sendEntry(TxCodec.Entry entry) {
        Proposal proposal = new Proposal(entry,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.requestTimeout().toMillis()));
        proposals.add(proposal);
        proposal.result.whenComplete((results, failure) -> proposals.remove(proposal));
        attempt(proposal);
        return proposal.result;
    }

    /**
     * Sends the proposal through the current client. An attempt answers the proposal unless a later attempt has
     * replaced it: {@link #aimAt} sends a repeatable proposal again through the client aimed at a new leader, and
     * then the first answer wins (a success of the old attempt, or the new attempt's answer).
     */
    private void attempt(Proposal proposal) {
        RaftClient raftClient = client;
        if (raftClient == null || closed.get()) {
            proposal.result.completeExceptionally(notRunning());
            return;
        }
        proposal.via.set(raftClient);
        if (client != raftClient && proposal.mayResend() && proposal.via.compareAndSet(raftClient, null)) {
            attempt(proposal); // the client was replaced between reading and claiming it: use the new one
            return;
        }
        long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(proposal.deadlineNanos - System.nanoTime()));
        TxCodec.Entry entry = proposal.entry;
        Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(TxCodec.encodeEntry(entry)));
        request(raftClient, raftClient.async().send(message),
                "proposal of " + entry.commands().size() + " command(s)", reply -> {
                    List<TxResult> results = TxCodec.decodeResults(reply.getMessage().getContent().toByteArray());
                    if (results.size() != entry.commands().size()) {
                        throw new IllegalStateException("entry of " + entry.commands().size()
                                + " commands answered with " + results.size() + " results");
                    }
                    return results;
                }, leftMillis).whenComplete((results, failure) -> {
                    if (failure == null) {
                        proposal.result.complete(results);
                    } else if (proposal.via.get() == raftClient) {
                        proposal.result.completeExceptionally(failure);
                    }
                });
    }

    /**
     * One entry on its way through the log. Sending it again applies its commands twice if the old leader had
     * committed it before it died, so only an entry of {@linkplain TxCommand#repeatable() repeatable} commands is
     * sent again; any other is answered by its one attempt (on a failure: outcome unknown, the caller decides).
     */
    private static final class Proposal {
        final TxCodec.Entry entry;
        final long deadlineNanos;
        final CompletableFuture<List<TxResult>> result = new CompletableFuture<>();
        /** The client of the attempt that answers; null while {@link #aimAt} hands it to a new one. */
        final AtomicReference<RaftClient> via = new AtomicReference<>();

        Proposal(TxCodec.Entry entry, long deadlineNanos) {
            this.entry = entry;
            this.deadlineNanos = deadlineNanos;
        }

        /** Whether it may be sent again: every command in it is repeatable, and it has time left. */
        boolean mayResend() {
            return entry.commands().stream().allMatch(TxCommand::repeatable) && deadlineNanos - System.nanoTime() > 0;
        }
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

    /**
     * Bounds a Raft request by {@code requestTimeout} and maps every failure to {@link NoQuorumException}; a client
     * whose ordered request failed is replaced (see {@link #replaceClient}).
     */
    private <T> CompletableFuture<T> request(RaftClient used, CompletableFuture<RaftClientReply> sent,
                                             String what, Function<RaftClientReply, T> decode, long timeoutMillis) {
        CompletableFuture<T> result = new CompletableFuture<>();
        sent.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((reply, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                replaceClient(used);
                String why = cause instanceof TimeoutException
                        ? "no answer within " + timeoutMillis + " ms"
                        : String.valueOf(cause);
                result.completeExceptionally(new NoQuorumException(
                        config.nodeId() + ": " + what + " failed: " + why, cause));
                return;
            }
            if (reply == null || !reply.isSuccess()) {
                Throwable cause = reply == null ? null : reply.getException();
                replaceClient(used);
                result.completeExceptionally(new NoQuorumException(
                        config.nodeId() + ": " + what + " was not accepted: " + cause, cause));
                return;
            }
            try {
                result.complete(decode.apply(reply));
            } catch (RuntimeException e) {
                result.completeExceptionally(new NoQuorumException(
                        config.nodeId() + ": " + what + " returned an unreadable reply", e));
            }
        });
        return result;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
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
        askLeader(txId, decision);
        return decision;
    }

    /** Asks again after each answer without a decision; stops once the decision is known, given up, or unasked. */
    private void askLeader(long txId, CompletableFuture<TransactionView> decision) {
        RaftClient raftClient = client;
        if (decision.isDone() || raftClient == null || closed.get()) {
            return;
        }
        Message question = Message.valueOf(UnsafeByteOperations.unsafeWrap(TxCodec.encodeQuery(new TxQuery.Get(txId))));
        CompletableFuture<RaftClientReply> sent;
        try {
            // Unordered: a reply that waits must not hold back the replies to this client's proposals.
            sent = raftClient.async().sendReadOnlyUnordered(question);
        } catch (RuntimeException e) {
            return; // a client being replaced or closed: the replica still hears of the decision
        }
        sent.orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((reply, failure) -> {
            if (failure != null || reply == null || !reply.isSuccess()) {
                return; // no leader to ask now: the replica still hears of the decision
            }
            List<TransactionView> answer;
            try {
                answer = TxCodec.decodeViews(reply.getMessage().getContent().toByteArray());
            } catch (RuntimeException e) {
                LOG.warn("{}: unreadable answer to a decision wait for transaction {}", config.nodeId(), txId, e);
                return;
            }
            answer.stream().filter(TransactionView::isDecided).findFirst()
                    .ifPresentOrElse(decision::complete, () -> askLeader(txId, decision));
        });
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
            return new LogStatus(config.nodeId(), null, 0, 0, replica.appliedIndex(), configured);
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
            return new LogStatus(config.nodeId(), leader == null ? null : leader.toString(), info.getCurrentTerm(),
                    division.getRaftLog().getLastCommittedIndex(), info.getLastAppliedIndex(),
                    members.isEmpty() ? configured : members);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: no Raft status", config.nodeId(), e);
            return new LogStatus(config.nodeId(), null, 0, 0, replica.appliedIndex(), configured);
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
        RaftClient raftClient = client;
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
        committer.close();
        RaftClient raftClient;
        synchronized (clientLock) {
            raftClient = client;
        }
        if (raftClient != null) {
            closeQuietly(raftClient);
        }
        for (RaftClient old : retiring) {
            if (retiring.remove(old)) {
                closeQuietly(old);
            }
        }
        for (Thread closer : closers) {
            try {
                closer.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
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

    /** Keeps a failing listener from breaking the apply loop or the leadership bookkeeping. */
    private record GuardedListener(LogListener delegate) implements LogListener {
        @Override
        public void onApplied(TxCommand command, TxResult result, long index) {
            try {
                delegate.onApplied(command, result, index);
            } catch (RuntimeException e) {
                LOG.error("log listener {} failed on command at index {}", delegate, index, e);
            }
        }

        @Override
        public void onProposalAtLeader(TxCommand command) {
            try {
                delegate.onProposalAtLeader(command);
            } catch (RuntimeException e) {
                LOG.error("log listener {} failed on a proposal of {}", delegate, command, e);
            }
        }

        @Override
        public void onLeadershipChange(boolean leader, long term) {
            try {
                delegate.onLeadershipChange(leader, term);
            } catch (RuntimeException e) {
                LOG.error("log listener {} failed on leadership change ({}, term {})", delegate, leader, term, e);
            }
        }
    }
}
