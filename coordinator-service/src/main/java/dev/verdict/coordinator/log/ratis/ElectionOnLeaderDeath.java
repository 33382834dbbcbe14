package dev.verdict.coordinator.log.ratis;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionReplyProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.util.ProtoUtils;
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
 * <p>Every survivor sees the death at about the same moment, and two forced candidacies in one term split the
 * vote. So the survivors take turns, in the order of their ids: the first starts at once, the next only after
 * {@code stagger}, and only if no election has begun by then (its term has not moved).
 */
final class ElectionOnLeaderDeath {

    private static final Logger LOG = LoggerFactory.getLogger(ElectionOnLeaderDeath.class);

    private final RaftPeerId selfId;
    private final RaftGroupId groupId;
    private final List<String> peerIds;
    private final long staggerMillis;
    private final Supplier<RaftServer> server;
    private final AtomicLong started = new AtomicLong();

    ElectionOnLeaderDeath(RaftPeerId selfId, RaftGroupId groupId, List<String> peerIds, long staggerMillis,
            Supplier<RaftServer> server) {
        this.selfId = Objects.requireNonNull(selfId, "selfId");
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.peerIds = List.copyOf(peerIds);
        this.staggerMillis = staggerMillis;
        this.server = Objects.requireNonNull(server, "server");
    }

    /** The leader of {@code term} is gone: this node starts an election now, or after those before it in turn. */
    void leaderGone(String leaderId, long term) {
        int turn = turn(peerIds, leaderId, selfId.toString());
        if (turn < 0) {
            return;
        }
        if (turn == 0) {
            startIfStillFollowing(leaderId, term);
        } else {
            CompletableFuture.delayedExecutor(turn * staggerMillis, TimeUnit.MILLISECONDS)
                    .execute(() -> startIfStillFollowing(leaderId, term));
        }
    }

    /** Elections this node started because its leader's process was gone (for tests and diagnostics). */
    long started() {
        return started.get();
    }

    /**
     * This node's place among the survivors of {@code deadLeader}, in the order of their ids (the same order on
     * every node), or -1 when it is not one of them.
     */
    static int turn(List<String> peerIds, String deadLeader, String self) {
        return peerIds.stream().filter(id -> !id.equals(deadLeader)).sorted().toList().indexOf(self);
    }

    private void startIfStillFollowing(String leaderId, long term) {
        RaftServer raftServer = server.get();
        if (raftServer == null) {
            return;
        }
        try {
            RaftServer.Division division = raftServer.getDivision(groupId);
            DivisionInfo info = division.getInfo();
            RaftPeerId leader = RaftPeerId.valueOf(leaderId);
            TermIndex last = division.getRaftLog().getLastEntryTermIndex();
            if (!info.isFollower() || info.getCurrentTerm() != term || !leader.equals(info.getLeaderId())
                    || last == null) {
                return; // an election has begun, or another leader is known: nothing to hasten
            }
            StartLeaderElectionReplyProto reply = raftServer.startLeaderElection(request(leader, last));
            if (reply.getServerReply().getSuccess()) {
                started.incrementAndGet();
                LOG.info("{}: election started at once, leader {} of term {} being gone", selfId, leaderId, term);
            } else {
                LOG.info("{}: the server did not start an election for leader {} of term {} (last entry {})",
                        selfId, leaderId, term, last);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: could not start an election after leader {} of term {} was gone", selfId, leaderId, term, e);
        }
    }

    /** The request a leader sends to hand over: from the dead leader, naming this node's own last entry. */
    private StartLeaderElectionRequestProto request(RaftPeerId deadLeader, TermIndex lastEntry) {
        RaftRpcRequestProto serverRequest = RaftRpcRequestProto.newBuilder()
                .setRequestorId(deadLeader.toByteString())
                .setReplyId(selfId.toByteString())
                .setRaftGroupId(ProtoUtils.toRaftGroupIdProtoBuilder(groupId))
                .build();
        return StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(serverRequest)
                .setLeaderLastEntry(lastEntry.toProto())
                .build();
    }
}
