package dev.verdict.coordinator.log.ratis;

import dev.verdict.coordinator.log.FailureCause;
import dev.verdict.coordinator.log.GroupCommitter;
import dev.verdict.coordinator.log.NoQuorumException;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCodec;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's way to the leader: its Raft client, kept aimed at the leader (replaced when a request failed or a
 * new leader is ready), the proposals sent through it ({@link GroupCommitter}: concurrent commands share one
 * entry; sent again through the new client when the leader changes, when that is safe), and the waits for a
 * decision at the leader. Every proposal is retried by the Raft client across leader changes, but for at most
 * {@code requestTimeout}; then it fails with {@link NoQuorumException} (for a change: outcome unknown).
 */
final class LeaderClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderClient.class);

    private final RaftNodeConfig config;
    private final RaftGroup group;
    /** The leader this node's server has heard of, or null. */
    private final Supplier<RaftPeerId> knownLeader;
    private final GroupCommitter committer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object clientLock = new Object();
    private volatile RaftClient client;
    /**
     * The leader {@link #client} was built aimed at (guarded by {@link #clientLock}). Not the client's own idea of
     * the leader: while no leader is ready, the client moves on to whichever peer it tries next, so it may already
     * name the new leader while its proposals wait in a retry pause (after a failover, 0.2 s before the first
     * answer, when nothing was sent again).
     */
    private RaftPeerId aimedAt;
    private final AtomicLong clientsBuilt = new AtomicLong();
    private final Queue<Thread> closers = new ConcurrentLinkedQueue<>();
    /** Entries proposed and not yet answered; {@link #aimAt} sends the repeatable ones again. */
    private final Set<Proposal> proposals = ConcurrentHashMap.newKeySet();
    /** Clients replaced by {@link #aimAt} that still carry proposals; closed once those are answered. */
    private final Set<RaftClient> retiring = ConcurrentHashMap.newKeySet();

    LeaderClient(RaftNodeConfig config, RaftGroup group, Supplier<RaftPeerId> knownLeader) {
        this.config = config;
        this.group = group;
        this.knownLeader = knownLeader;
        this.committer = new GroupCommitter(this::sendEntry, System::currentTimeMillis,
                GroupCommitter.DEFAULT_MAX_BATCH, GroupCommitter.DEFAULT_MAX_IN_FLIGHT,
                GroupCommitter.DEFAULT_MAX_QUEUED, config.requestTimeout().toMillis(), config.nodeId());
    }

    /** Builds the Raft client (aimed at the leader the server knows, if any) and starts the group committer. */
    void start() {
        synchronized (clientLock) {
            if (closed.get()) {
                throw new IllegalStateException("decision log of " + config.nodeId() + " is closed");
            }
            aimedAt = knownLeader.get();
            client = newClient(aimedAt);
        }
        committer.start();
    }

    /** Queues a command for the next entry; completes with its result (see {@link GroupCommitter#submit}). */
    CompletableFuture<TxResult> propose(TxCommand command) {
        return committer.submit(command);
    }

    /** The current Raft client (for requests beside the proposals), or null once closed or before the start. */
    RaftClient current() {
        return closed.get() ? null : client;
    }

    /**
     * A client aimed at the leader this node's server knows of. Without that it starts at the group's first peer,
     * and when that peer is an old leader cut off by a partition (its connections hang rather than fail), every
     * request spent its whole time limit waiting there, the client was replaced, and the next one started there
     * again: a node could not propose for as long as the partition lasted (ChaosNetworkIT, isolating the leader).
     */
    private RaftClient newClient(RaftPeerId leader) {
        clientsBuilt.incrementAndGet();
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
            if (closed.get() || current == null || leader.equals(aimedAt)) {
                return;
            }
            old = current;
            aimedAt = leader;
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

    /** Raft clients built so far: the first, and one for each replacement (for tests). */
    long clientsBuilt() {
        return clientsBuilt.get();
    }

    /** Entries handed to the Raft client so far (for tests: a proposal is in flight once this moved). */
    long entriesSent() {
        return committer.entriesSent();
    }

    /** The node this node's proposals are sent to first (the leader its Raft client believes in), or null. */
    String proposalTarget() {
        RaftClient current = client;
        RaftPeerId leader = current == null ? null : current.getLeaderId();
        return leader == null ? null : leader.toString();
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
            aimedAt = knownLeader.get();
            client = newClient(aimedAt);
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
     * Bounds a Raft request by {@code requestTimeout} and maps every failure to {@link NoQuorumException}; a client
     * whose ordered request failed is replaced (see {@link #replaceClient}).
     */
    private <T> CompletableFuture<T> request(RaftClient used, CompletableFuture<RaftClientReply> sent,
                                             String what, Function<RaftClientReply, T> decode, long timeoutMillis) {
        CompletableFuture<T> result = new CompletableFuture<>();
        sent.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((reply, error) -> {
            if (error != null) {
                Throwable cause = FailureCause.of(error);
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

    private NoQuorumException notRunning() {
        return new NoQuorumException("decision log of " + config.nodeId()
                + (closed.get() ? " is closed" : " is not started"), null);
    }

    /** Asks again after each answer without a decision; stops once the decision is known, given up, or unasked. */
    void askLeader(long txId, CompletableFuture<TransactionView> decision) {
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

    /** Stops the group committer and every client, waiting (bounded) for the background closes. Idempotent. */
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
    }
}
