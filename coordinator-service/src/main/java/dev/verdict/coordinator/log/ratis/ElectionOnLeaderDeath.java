package dev.verdict.coordinator.log.ratis;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.LogInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionReplyProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.util.ProtoUtils;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an election as soon as {@link LeaderDeathWatch} knows the leader's process is gone, instead of after
 * Ratis's election timeout. Ratis checks that timeout only once per random timeout, so a follower noticed a dead
 * leader 250 ms to 1 s after its last heartbeat; that was most of a failover (docs/benchmarks.md).
 *
 * <p>Ratis starts an election early only when a leader hands its leadership over: it sends the chosen follower a
 * StartLeaderElection request. A dead leader cannot send it, so this node gives its own server the request the
 * leader would have sent. The server accepts it only while it is a follower of that leader in that term with a
 * log at least as long as the one named (this node's own), and then runs an ordinary election: voters still grant
 * their vote only to a candidate whose log is as up to date as theirs, so what starts an election never affects
 * which logs can win it.
 *
 * <p>Every survivor sees the death at about the same moment. Two forced candidacies in one term split the vote,
 * and a candidate whose log is shorter than a voter's is refused (the leader's last entries reach its followers
 * at slightly different times), after which the voter waits out a whole timeout. So each survivor first asks the
 * others for the end of their logs (the leader is dead, so they no longer move) and stands only if none has a
 * longer log, or an equal one and a smaller id (one that does not answer in time counts as equal): every survivor
 * that hears from the others reaches the same choice.
 */
final class ElectionOnLeaderDeath implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ElectionOnLeaderDeath.class);

    private final RaftPeerId selfId;
    private final RaftGroup group;
    private final Duration askTimeout;
    private final Supplier<RaftServer> server;
    private final RaftClient peers;
    private final ExecutorService asking = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong started = new AtomicLong();

    /**
     * @param askTimeout how long the others' answers are waited for; one that does not answer in time counts as having
     *                   a log like this node's
     */
    ElectionOnLeaderDeath(RaftPeerId selfId, RaftGroup group, Duration askTimeout, Supplier<RaftServer> server) {
        this.selfId = Objects.requireNonNull(selfId, "selfId");
        this.group = Objects.requireNonNull(group, "group");
        this.askTimeout = Objects.requireNonNull(askTimeout, "askTimeout");
        this.server = Objects.requireNonNull(server, "server");
        RaftProperties properties = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
                TimeDuration.valueOf(askTimeout.toMillis(), TimeUnit.MILLISECONDS));
        this.peers = RaftClient.newBuilder().setRaftGroup(group).setProperties(properties)
                .setRetryPolicy(RetryPolicies.noRetry()).build();
    }

    /**
     * The leader of {@code term} is gone: this node asks the other survivors how far their logs go, and starts an
     * election now if it is the one to stand.
     */
    void leaderGone(String leaderId, long term) {
        RaftPeerId leader = RaftPeerId.valueOf(leaderId);
        TermIndex own = lastEntryIfFollowing(leader, term);
        if (own == null) {
            return;
        }
        Map<String, CompletableFuture<TermIndex>> asked = group.getPeers().stream()
                .map(RaftPeer::getId)
                .filter(id -> !id.equals(selfId) && !id.equals(leader))
                .collect(Collectors.toMap(RaftPeerId::toString, id -> CompletableFuture
                        .supplyAsync(() -> lastEntryOf(id), asking)
                        .completeOnTimeout(null, askTimeout.toMillis(), TimeUnit.MILLISECONDS)));
        // One that does not answer in time counts as having a log like this node's: then the smaller id stands,
        // and two survivors that cannot hear each other still do not both stand.
        Map<String, TermIndex> others = asked.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Objects.requireNonNullElse(e.getValue().join(), own)));
        if (!stands(selfId.toString(), own, others)) {
            LOG.info("{}: leader {} of term {} is gone; another survivor stands (logs: own {}, others {})",
                    selfId, leaderId, term, own, others);
            return;
        }
        startIfStillFollowing(leader, term);
    }

    /** Connects to the other nodes ahead of need: a failover should not wait for the first connection. */
    void prepare(String leaderId) {
        for (RaftPeer peer : group.getPeers()) {
            RaftPeerId id = peer.getId();
            if (!id.equals(selfId) && !id.toString().equals(leaderId)) {
                asking.execute(() -> lastEntryOf(id));
            }
        }
    }

    /** Elections this node started because its leader's process was gone (for tests and diagnostics). */
    long started() {
        return started.get();
    }

    /**
     * Whether {@code self}, whose log ends at {@code own}, is the survivor to stand: no other has a longer log, or an
     * equal one and a smaller id. Every survivor that hears from the same others decides alike.
     */
    static boolean stands(String self, TermIndex own, Map<String, TermIndex> others) {
        return others.entrySet().stream().noneMatch(other -> {
            int longer = other.getValue().compareTo(own);
            return longer > 0 || (longer == 0 && other.getKey().compareTo(self) < 0);
        });
    }

    /** The end of {@code peer}'s log, or null when it does not answer. */
    private TermIndex lastEntryOf(RaftPeerId peer) {
        try {
            LogInfoProto log = peers.getGroupManagementApi(peer).info(group.getGroupId()).getLogInfoProto();
            return log.hasLastEntry() ? TermIndex.valueOf(log.getLastEntry()) : null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: no log position from {}: {}", selfId, peer, e.toString());
            return null;
        }
    }

    /** This node's last log entry while it still follows {@code leader} in {@code term}; otherwise null. */
    private TermIndex lastEntryIfFollowing(RaftPeerId leader, long term) {
        RaftServer raftServer = server.get();
        if (raftServer == null) {
            return null;
        }
        try {
            RaftServer.Division division = raftServer.getDivision(group.getGroupId());
            DivisionInfo info = division.getInfo();
            if (!info.isFollower() || info.getCurrentTerm() != term || !leader.equals(info.getLeaderId())) {
                return null; // an election has begun, or another leader is known: nothing to hasten
            }
            return division.getRaftLog().getLastEntryTermIndex();
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: no state of its own server", selfId, e);
            return null;
        }
    }

    private void startIfStillFollowing(RaftPeerId leader, long term) {
        TermIndex own = lastEntryIfFollowing(leader, term);
        if (own == null) {
            return;
        }
        try {
            StartLeaderElectionReplyProto reply = server.get().startLeaderElection(request(leader, own));
            if (reply.getServerReply().getSuccess()) {
                started.incrementAndGet();
                LOG.info("{}: election started at once, leader {} of term {} being gone", selfId, leader, term);
            } else {
                LOG.info("{}: the server did not start an election for leader {} of term {} (last entry {})",
                        selfId, leader, term, own);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: could not start an election after leader {} of term {} was gone", selfId, leader, term, e);
        }
    }

    /** The request a leader sends to hand over: from the dead leader, naming this node's own last entry. */
    private StartLeaderElectionRequestProto request(RaftPeerId deadLeader, TermIndex lastEntry) {
        RaftRpcRequestProto serverRequest = RaftRpcRequestProto.newBuilder()
                .setRequestorId(deadLeader.toByteString())
                .setReplyId(selfId.toByteString())
                .setRaftGroupId(ProtoUtils.toRaftGroupIdProtoBuilder(group.getGroupId()))
                .build();
        return StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(serverRequest)
                .setLeaderLastEntry(lastEntry.toProto())
                .build();
    }

    @Override
    public void close() {
        asking.shutdownNow();
        try {
            peers.close();
        } catch (IOException e) {
            LOG.debug("{}: closing the client that asks the other nodes failed", selfId, e);
        }
    }
}
