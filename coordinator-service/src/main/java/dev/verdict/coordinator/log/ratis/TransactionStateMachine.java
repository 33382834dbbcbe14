package dev.verdict.coordinator.log.ratis;

import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCodec;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of the decision log: applies committed entries ({@link TxCodec.Entry}, a group of
 * commands) to this node's {@link LocalReplica}, answers a follower waiting for a decision (see {@link #query}),
 * snapshots the replica to a single file per snapshot (with an MD5 beside it), and turns Ratis's leadership
 * notifications into {@link LogListener#onLeadershipChange} events.
 *
 * <p>Leadership events: {@code true} fires once this node is leader <em>and ready</em> (its first entry of the
 * term is applied, so its replica reflects every earlier commit and proposals can be served); {@code false} fires
 * when it steps down, sees another leader, or shuts down. Events alternate strictly (true, false, true, ...), the
 * false event carrying the term that ended.
 */
public final class TransactionStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionStateMachine.class);
    /**
     * How long a read-only request waits here for a decision before it is answered with none: inside the Raft
     * client's limit for one attempt (2.5 s with the default settings), so the asker hears the answer and asks again.
     */
    static final long DECISION_WAIT_MILLIS = 800;

    private final LocalReplica replica;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    /** Hear leadership changes and, while this node leads, the proposals reaching it. */
    private final List<LogListener> leadershipListeners = new CopyOnWriteArrayList<>();
    /** Serialises apply against snapshot, so a snapshot's bytes match its term-index. */
    private final Object applyLock = new Object();
    private final Object leadershipLock = new Object();
    /** The term this node leads (ready), or 0 when it is not leader. Guarded by leadershipLock. */
    private long leaderTerm;
    private volatile long lastSnapshotLoadedIndex = RaftLog.INVALID_LOG_INDEX;
    private volatile long lastSnapshotTakenIndex = RaftLog.INVALID_LOG_INDEX;

    private final LongSupplier clock;
    /** The latest entry timestamp this node stamped (as leader) or applied: stamps never go backwards. */
    private final AtomicLong lastTimestamp = new AtomicLong();

    /**
     * Told of every leader this node hears of (itself included) once that leader is ready to take proposals, on a
     * Ratis thread; must not block.
     */
    private final Consumer<RaftPeerId> leaderObserver;

    /** A leader another node was named, and the term it leads; told to the observer once it is ready. */
    private record NamedLeader(RaftPeerId leader, long term) {
    }

    /** The leader named and not yet told to the observer, or null. */
    private final AtomicReference<NamedLeader> namedLeader = new AtomicReference<>();

    public TransactionStateMachine(LocalReplica replica) {
        this(replica, leader -> {
        });
    }

    public TransactionStateMachine(LocalReplica replica, Consumer<RaftPeerId> leaderObserver) {
        this(replica, System::currentTimeMillis, leaderObserver);
    }

    TransactionStateMachine(LocalReplica replica, LongSupplier clock) {
        this(replica, clock, leader -> {
        });
    }

    private TransactionStateMachine(LocalReplica replica, LongSupplier clock, Consumer<RaftPeerId> leaderObserver) {
        this.replica = Objects.requireNonNull(replica, "replica");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.leaderObserver = Objects.requireNonNull(leaderObserver, "leaderObserver");
    }

    public LocalReplica replica() {
        return replica;
    }

    // ---------------------------------------------------------------- lifecycle and snapshots

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        // RUNNING afterwards: Ratis pauses only a running state machine (see pause).
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            loadLatestSnapshot();
        });
    }

    /**
     * Ratis pauses the state machine when the leader has sent this node a snapshot (this node was behind the
     * leader's purged log), right before it swaps the snapshot files in, and it refuses to reload unless the state
     * machine says PAUSED: without this, the node's Raft server closed itself and the node left the group for good
     * while its process looked healthy. Nothing is applied while paused (Ratis's updater is the one applying).
     */
    @Override
    public void pause() {
        getLifeCycle().compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING);
        getLifeCycle().compareAndTransition(LifeCycle.State.PAUSING, LifeCycle.State.PAUSED);
    }

    /** Called after the leader installed a snapshot on this node (it was too far behind): reload from it. */
    @Override
    public void reinitialize() throws IOException {
        loadLatestSnapshot();
        if (getLifeCycle().compareAndTransition(LifeCycle.State.PAUSED, LifeCycle.State.STARTING)) {
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        if (!Files.exists(file)) {
            LOG.warn("{}: snapshot file {} is missing; starting from the log", getId(), file);
            return;
        }
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(file.toFile(), md5);
        }
        TermIndex termIndex = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(file.toFile());
        byte[] bytes = Files.readAllBytes(file);
        synchronized (applyLock) {
            replica.restore(bytes);
            setLastAppliedTermIndex(termIndex);
        }
        lastSnapshotLoadedIndex = termIndex.getIndex();
        LOG.info("{}: restored the transaction table from snapshot {} ({} bytes)", getId(), termIndex, bytes.length);
    }

    @Override
    public long takeSnapshot() throws IOException {
        byte[] bytes;
        TermIndex applied;
        synchronized (applyLock) {
            applied = getLastAppliedTermIndex();
            if (applied == null || applied.getIndex() < 0) {
                return RaftLog.INVALID_LOG_INDEX;
            }
            bytes = replica.snapshot();
        }
        File target = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
        Path dir = target.toPath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".verdict-snapshot-", ".tmp");
        try {
            Files.write(tmp, bytes);
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, target.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), applied));
        lastSnapshotTakenIndex = applied.getIndex();
        LOG.info("{}: took snapshot {} ({} bytes)", getId(), applied, bytes.length);
        return applied.getIndex();
    }

    /** The index of the snapshot this state machine last restored from, or -1 if it never did. */
    public long lastSnapshotLoadedIndex() {
        return lastSnapshotLoadedIndex;
    }

    /** The index of the last snapshot this state machine took, or -1 if it never did. */
    public long lastSnapshotTakenIndex() {
        return lastSnapshotTakenIndex;
    }

    // ---------------------------------------------------------------- apply and query

    /**
     * Runs on the leader before a proposal is appended: the entry's timestamp becomes the leader's clock reading
     * (never below an earlier stamp), so deadlines are judged by one clock per term whichever node proposed, as
     * DESIGN.md section 2 asks ("the log index/leader timestamp carried in the entry"). An unreadable proposal is
     * refused here and never reaches the log. Listeners hear of each command ({@link LogListener#onProposalAtLeader}),
     * so the leader's driver starts PREPARE for a commit asked of a follower while its StartCommit is logged.
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TxCodec.Entry proposed;
        try {
            proposed = TxCodec.decodeEntry(request.getMessage().getContent().toByteArray());
        } catch (RuntimeException e) {
            TransactionContext refused = super.startTransaction(request);
            refused.setException(new StateMachineException("unreadable proposal: " + e.getMessage()));
            return refused;
        }
        long stamp = lastTimestamp.accumulateAndGet(clock.getAsLong(), Math::max);
        byte[] stamped = TxCodec.encodeEntry(new TxCodec.Entry(stamp, proposed.commands()));
        for (TxCommand command : proposed.commands()) {
            for (LogListener listener : leadershipListeners) {
                listener.onProposalAtLeader(command);
            }
        }
        return TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request)
                .setLogData(UnsafeByteOperations.unsafeWrap(stamped))
                .build();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto logEntry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(logEntry);
        TxCodec.Entry entry;
        try {
            entry = TxCodec.decodeEntry(logEntry.getStateMachineLogEntry().getLogData().toByteArray());
        } catch (RuntimeException e) {
            // Deterministic on every replica: the entry is skipped everywhere, and its proposer hears of it.
            LOG.error("{}: unreadable log entry at {}; skipped", getId(), termIndex, e);
            synchronized (applyLock) {
                updateLastAppliedTermIndex(termIndex);
            }
            return CompletableFuture.failedFuture(
                    new StateMachineException("unreadable log entry at " + termIndex + ": " + e.getMessage()));
        }
        lastTimestamp.accumulateAndGet(entry.timestampMillis(), Math::max);
        List<TxResult> results;
        synchronized (applyLock) {
            results = replica.apply(entry, termIndex.getIndex());
            updateLastAppliedTermIndex(termIndex);
        }
        tellLeaderIfReady(termIndex.getTerm());
        return CompletableFuture.completedFuture(
                Message.valueOf(UnsafeByteOperations.unsafeWrap(TxCodec.encodeResults(results))));
    }

    /**
     * Answers a node waiting for a transaction's decision ({@link RatisDecisionLog#awaitDecision}): the request
     * names the transaction ({@link TxQuery.Get}), the answer is its decided view as soon as this replica holds
     * one, or no view after {@link #DECISION_WAIT_MILLIS}. Ratis brings read-only requests to the leader, which
     * applies a decision before any follower learns that it is committed. Verdict's reads of the table do not
     * come this way: they go through the log ({@link TxQuery} in a {@code TxCommand.Read}).
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        TxQuery query;
        try {
            query = TxCodec.decodeQuery(request.getContent().toByteArray());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new StateMachineException("unreadable query: " + e.getMessage()));
        }
        if (!(query instanceof TxQuery.Get(long txId))) {
            return CompletableFuture.failedFuture(new StateMachineException("only a decision is waited for: " + query));
        }
        return replica.awaitDecision(txId)
                .completeOnTimeout(null, DECISION_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                .thenApply(view -> Message.valueOf(UnsafeByteOperations.unsafeWrap(
                        TxCodec.encodeViews(view == null ? List.<TransactionView>of() : List.of(view)))));
    }

    /** Non-state-machine entries (configuration, a new leader's first entry) also advance the applied index. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        synchronized (applyLock) {
            super.notifyTermIndexUpdated(term, index);
        }
        tellLeaderIfReady(term);
    }

    // ---------------------------------------------------------------- leadership

    /**
     * Registers a leadership listener. If this node already leads (ready), the listener hears
     * {@code onLeadershipChange(true, term)} at once, so a listener registered late misses no leadership.
     */
    public void addLeadershipListener(LogListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (leadershipLock) {
            leadershipListeners.add(listener);
            if (leaderTerm != 0) {
                notifyListener(listener, true, leaderTerm);
            }
        }
    }

    /** The term this node leads (and is ready in), or 0 when it does not lead. */
    public long leaderTerm() {
        synchronized (leadershipLock) {
            return leaderTerm;
        }
    }

    @Override
    public void notifyLeaderReady() {
        Optional<RaftServer.Division> division = division();
        if (division.isEmpty()) {
            return;
        }
        var info = division.get().getInfo();
        long term = info.getCurrentTerm();
        synchronized (leadershipLock) {
            // Re-check under the lock: a step-down racing with this notification must win.
            if (!info.isLeader() || info.getCurrentTerm() != term || leaderTerm == term) {
                return;
            }
            if (leaderTerm != 0) {
                fire(false, leaderTerm); // led an earlier term without having heard of its end
            }
            leaderTerm = term;
            LOG.info("{}: leader ready in term {}", getId(), term);
            fire(true, term);
        }
        leaderObserver.accept(getId());
    }

    /**
     * A new leader is named. The observer (which aims this node's proposals at it) is told only once that leader
     * is ready: this node when its first entry of the term is committed ({@link #notifyLeaderReady}), another
     * node when this replica applies an entry of its term. Before that, the leader refuses proposals with
     * LeaderNotReadyException, and Ratis answers that by closing the client's whole request stream; the client
     * then tried peers at random (the dead leader among them) and the survivors' proposals waited about 250 ms
     * longer after the election (the benchmark's failover mode, run 6).
     */
    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        boolean self = groupMemberId.getPeerId().equals(newLeaderId);
        if (!self) {
            lostLeadership("leader is now " + newLeaderId);
        }
        if (newLeaderId == null || self) {
            namedLeader.set(null);
            return;
        }
        leaderNamed(newLeaderId, division().map(d -> d.getInfo().getCurrentTerm()).orElse(0L));
    }

    /** Another node leads {@code term}: it is told to the observer once this replica applies an entry of it. */
    void leaderNamed(RaftPeerId leader, long term) {
        namedLeader.set(new NamedLeader(leader, term));
        TermIndex applied = getLastAppliedTermIndex();
        if (applied != null) {
            tellLeaderIfReady(applied.getTerm());
        }
    }

    /** An entry of {@code appliedTerm} is applied here: a leader named for that term has committed, so is ready. */
    private void tellLeaderIfReady(long appliedTerm) {
        NamedLeader named = namedLeader.get();
        if (named != null && appliedTerm >= named.term() && namedLeader.compareAndSet(named, null)) {
            leaderObserver.accept(named.leader());
        }
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        lostLeadership("stepped down");
    }

    @Override
    public void notifyServerShutdown(RoleInfoProto roleInfo, boolean allServer) {
        lostLeadership("server shutdown");
    }

    @Override
    public void close() throws IOException {
        lostLeadership("state machine closed");
        super.close();
    }

    void lostLeadership(String why) {
        synchronized (leadershipLock) {
            if (leaderTerm == 0) {
                return;
            }
            long term = leaderTerm;
            leaderTerm = 0;
            LOG.info("{}: no longer leader of term {} ({})", getId(), term, why);
            fire(false, term);
        }
    }

    private void fire(boolean leader, long term) {
        for (LogListener listener : leadershipListeners) {
            notifyListener(listener, leader, term);
        }
    }

    private void notifyListener(LogListener listener, boolean leader, long term) {
        try {
            listener.onLeadershipChange(leader, term);
        } catch (RuntimeException e) {
            LOG.error("{}: leadership listener {} failed", getId(), listener, e);
        }
    }

    private Optional<RaftServer.Division> division() {
        CompletableFuture<RaftServer> server = getServer();
        if (!server.isDone() || server.isCompletedExceptionally()) {
            return Optional.empty();
        }
        try {
            return Optional.of(server.join().getDivision(getGroupId()));
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: no division for {}", getId(), getGroupId(), e);
            return Optional.empty();
        }
    }
}
