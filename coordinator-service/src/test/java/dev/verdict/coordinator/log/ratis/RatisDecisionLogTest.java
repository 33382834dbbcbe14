package dev.verdict.coordinator.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.log.LogStatus;
import dev.verdict.coordinator.log.NoQuorumException;
import dev.verdict.coordinator.log.ratis.RatisTestCluster.LeadershipEvent;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.Refusal;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A 3-node Ratis group in one JVM: replication, linearizable reads, failover, recovery, snapshots, no quorum. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RatisDecisionLogTest {

    private static final Logger LOG = LoggerFactory.getLogger(RatisDecisionLogTest.class);
    private static final Duration ELECTION = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private static TransactionView applied(CompletableFuture<TxResult> future) throws Exception {
        TxResult result = future.get(15, TimeUnit.SECONDS);
        assertThat(result).isInstanceOf(TxResult.Applied.class);
        return ((TxResult.Applied) result).view();
    }

    /** Begin through {@code begin}, then enlist two participants, start commit and decide COMMIT through {@code rest}. */
    private static TransactionView commitTransaction(RatisDecisionLog begin, RatisDecisionLog rest) throws Exception {
        long txId = applied(begin.propose(new TxCommand.Begin(60_000, null))).txId();
        applied(rest.propose(new TxCommand.Enlist(txId, "shard-a", "http://a")));
        applied(rest.propose(new TxCommand.Enlist(txId, "shard-b", "http://b")));
        assertThat(applied(rest.propose(new TxCommand.StartCommit(txId))).state()).isEqualTo(TxState.PREPARING);
        TransactionView decided = applied(rest.propose(new TxCommand.Decide(txId, Outcome.COMMIT,
                Map.of("shard-a", Vote.YES, "shard-b", Vote.YES), null)));
        assertThat(decided.state()).isEqualTo(TxState.COMMITTED);
        assertThat(decided.decisionIndex()).isPositive();
        return decided;
    }

    /**
     * Stops every node but the follower {@code survivorId}, the leader last: the survivor then has no one to elect it
     * (its watch of the leader would otherwise hasten an election with a follower still running). Returns the ids
     * stopped.
     */
    private static List<String> stopAllBut(RatisTestCluster cluster, String survivorId, String leader) {
        List<String> stopped = new ArrayList<>(cluster.ids().stream()
                .filter(id -> !id.equals(survivorId) && !id.equals(leader)).toList());
        stopped.add(leader);
        stopped.forEach(cluster::stop);
        return stopped;
    }

    private static TransactionView read(RatisDecisionLog log, long txId) throws Exception {
        List<TransactionView> views = log.query(new TxQuery.Get(txId)).get(15, TimeUnit.SECONDS);
        assertThat(views).hasSize(1);
        return views.getFirst();
    }

    private static List<TransactionView> localTable(RatisDecisionLog log) {
        return log.replica().read(table -> table.query(new TxQuery.Recent(Integer.MAX_VALUE)));
    }

    @Test
    void commandsThroughAnyNodeAreAppliedEverywhereAndReadLinearizablyFromAFollower() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c).startAll()) {
            String leader = cluster.awaitLeader(ELECTION);
            List<String> followers = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
            RatisDecisionLog followerA = cluster.node(followers.get(0));
            RatisDecisionLog followerB = cluster.node(followers.get(1));

            // Begin through a follower, the rest through the other follower: both forward to the leader.
            TransactionView decided = commitTransaction(followerA, followerB);

            // A linearizable read at the third node sees the decision at once...
            TransactionView seen = read(cluster.node(leader), decided.txId());
            assertThat(seen.state()).isEqualTo(TxState.COMMITTED);
            seen = read(followerA, decided.txId());
            assertThat(seen.state()).isEqualTo(TxState.COMMITTED);
            assertThat(seen.decisionIndex()).isEqualTo(decided.decisionIndex());
            // ...because the read waited for the follower to apply up to the read index: its replica has it too.
            assertThat(followerA.replica().appliedIndex()).isGreaterThanOrEqualTo(decided.decisionIndex());
            assertThat(followerA.replica().read(t -> t.query(new TxQuery.Get(decided.txId()))).getFirst().state())
                    .isEqualTo(TxState.COMMITTED);

            // The first decision wins through every node.
            TxResult contrary = followerA.propose(new TxCommand.Decide(decided.txId(), Outcome.ABORT, Map.of(), "late"))
                    .get(15, TimeUnit.SECONDS);
            assertThat(contrary).isInstanceOfSatisfying(TxResult.Refused.class,
                    r -> assertThat(r.refusal()).isEqualTo(Refusal.ALREADY_DECIDED));

            // Every node knows the same leader, term and members.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (RatisDecisionLog node : cluster.runningNodes()) {
                    LogStatus status = node.status();
                    assertThat(status.leaderId()).isEqualTo(leader);
                    assertThat(status.term()).isEqualTo(cluster.node(leader).status().term());
                    assertThat(status.commitIndex()).isGreaterThanOrEqualTo(decided.decisionIndex());
                    assertThat(status.appliedIndex()).isGreaterThanOrEqualTo(decided.decisionIndex());
                    assertThat(status.members()).extracting(LogStatus.Member::nodeId)
                            .containsExactlyElementsOf(cluster.ids());
                }
            });
            assertThat(cluster.node(leader).status().isLeader()).isTrue();
            assertThat(followerA.status().isLeader()).isFalse();
        }
    }

    /**
     * Ratis tells a follower that an entry is committed only with the next entry or heartbeat it sends. Here the
     * heartbeats are a second apart, so a follower that waited for its own replica would hear of the decision up
     * to a second after the leader applied it; it is answered by the leader instead, while its replica is behind.
     */
    @Test
    void aFollowerWaitingForADecisionHearsItFromTheLeaderBeforeItsReplicaAppliesIt() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3,
                c -> c.withElectionTimeout(Duration.ofSeconds(2), Duration.ofSeconds(3))).startAll()) {
            RatisDecisionLog leader = cluster.node(cluster.awaitLeader(ELECTION));
            RatisDecisionLog follower = cluster.node(cluster.other(cluster.readyLeader()));
            long txId = applied(leader.propose(new TxCommand.Begin(60_000, null))).txId();
            applied(leader.propose(new TxCommand.StartCommit(txId)));

            CompletableFuture<Long> followerAppliedWhenAnswered = follower.awaitDecision(txId)
                    .thenApply(view -> follower.replica().appliedIndex());
            TransactionView decided = applied(leader.propose(new TxCommand.Decide(txId, Outcome.COMMIT, Map.of(), null)));

            assertThat(followerAppliedWhenAnswered.get(15, TimeUnit.SECONDS))
                    .as("the follower's applied index when its wait was answered")
                    .isLessThan(decided.decisionIndex());
            // Its replica catches up with the next heartbeat, as before.
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.replica().appliedIndex() >= decided.decisionIndex());
            assertThat(follower.awaitDecision(txId)).isCompletedWithValueMatching(v -> v.state() == TxState.COMMITTED);
        }
    }

    @Test
    void concurrentProposalsAreGroupedAndEachGetsItsOwnTransaction() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c).startAll()) {
            String leader = cluster.awaitLeader(ELECTION);
            RatisDecisionLog node = cluster.node(cluster.other(leader));
            long before = cluster.node(leader).status().commitIndex();

            List<CompletableFuture<TxResult>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                futures.add(node.propose(new TxCommand.Begin(60_000, "key-" + i)));
            }
            List<Long> txIds = new ArrayList<>();
            for (CompletableFuture<TxResult> future : futures) {
                txIds.add(applied(future).txId());
            }
            assertThat(txIds).doesNotHaveDuplicates().hasSize(300);
            long entries = cluster.node(leader).status().commitIndex() - before;
            LOG.info("300 concurrent proposals took {} log entries", entries);
            assertThat(entries).as("log entries for 300 proposals").isLessThan(300);
            // The idempotency key maps to the transaction that its own proposal got.
            TxResult repeat = node.propose(new TxCommand.Begin(60_000, "key-42")).get(15, TimeUnit.SECONDS);
            assertThat(((TxResult.Applied) repeat).view().txId()).isEqualTo(txIds.get(42));
        }
    }

    @Test
    void leaderCrashElectsANewLeaderAndTheRestartedNodeCatchesUp() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c).startAll()) {
            String oldLeader = cluster.awaitLeader(ELECTION);
            TransactionView first = commitTransaction(cluster.node(cluster.other(oldLeader)), cluster.node(oldLeader));

            String survivorId = cluster.other(oldLeader);
            RatisDecisionLog survivor = cluster.node(survivorId);
            // Crash the leader and, at the same moment, propose through a survivor: the client first hits the
            // dying leader, then the proposal reaches the new leader (sent again once the survivor hears of it,
            // which a Begin with an idempotency key allows).
            RatisDecisionLog dying = cluster.node(oldLeader);
            Thread crash = Thread.ofPlatform().start(() -> cluster.stop(oldLeader));
            // Closing starts by stopping the leader role (no more heartbeats): from then on, it is as if killed.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> dying.leaderTerm() == 0);
            long crashedAt = System.nanoTime();
            long txId = applied(survivor.propose(new TxCommand.Begin(60_000, "across-the-crash"))).txId();
            long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
            crash.join();
            LOG.info("first commit {} ms after the leader was killed", failoverMillis);
            assertThat(failoverMillis).as("failover to first commit (ms)").isLessThan(3_000);
            String newLeader = cluster.awaitLeader(ELECTION);
            assertThat(newLeader).isNotEqualTo(oldLeader);
            assertThat(txId).isGreaterThan(first.txId());

            // Earlier decisions are still there, and work goes on.
            assertThat(read(survivor, first.txId()).state()).isEqualTo(TxState.COMMITTED);
            TransactionView second = commitTransaction(survivor, cluster.node(cluster.other(survivorId)));

            // The crashed node comes back from its data directory and catches up.
            RatisDecisionLog restarted = cluster.start(oldLeader);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(restarted.replica().appliedIndex()).isEqualTo(survivor.replica().appliedIndex());
                assertThat(localTable(restarted)).isEqualTo(localTable(survivor));
            });
            assertThat(restarted.replica().read(t -> t.query(new TxQuery.Get(second.txId()))).getFirst().state())
                    .isEqualTo(TxState.COMMITTED);
            assertThat(read(restarted, first.txId()).decisionIndex()).isEqualTo(first.decisionIndex());
        }
    }

    @Test
    void afterALeaderCrashEveryNodeAimsItsProposalsAtTheNewLeaderBeforeItProposesAnything() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c).startAll()) {
            String oldLeader = cluster.awaitLeader(ELECTION);
            for (RatisDecisionLog node : cluster.runningNodes()) {
                applied(node.propose(new TxCommand.Begin(60_000, null)));
                assertThat(node.proposalTarget()).isEqualTo(oldLeader);
            }

            cluster.stop(oldLeader);
            String newLeader = cluster.awaitLeader(ELECTION);

            // No proposal has failed over yet: only hearing of the new leader can have moved the clients, so the
            // first proposal after a crash does not spend an attempt on the dead node.
            await().atMost(ELECTION).untilAsserted(() -> assertThat(cluster.runningNodes())
                    .allSatisfy(node -> assertThat(node.proposalTarget()).isEqualTo(newLeader)));
            String follower = cluster.other(newLeader);
            assertThat(applied(cluster.node(follower).propose(new TxCommand.Begin(60_000, null))).state())
                    .isEqualTo(TxState.ACTIVE);
        }
    }

    @Test
    void aRepeatableProposalInFlightWhenTheNodeHearsOfANewLeaderIsSentAgainThroughTheNewClient() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3,
                c -> c.withRequestTimeout(Duration.ofSeconds(60))).startAll()) {
            String leader = cluster.awaitLeader(ELECTION);
            String survivorId = cluster.other(leader);
            RatisDecisionLog survivor = cluster.node(survivorId);
            List<String> stopped = stopAllBut(cluster, survivorId, leader);

            // Without a quorum the proposal stays in flight on the survivor's client...
            long sentBefore = survivor.entriesSent();
            CompletableFuture<TxResult> begin = survivor.propose(new TxCommand.Begin(60_000, "in-flight"));
            await().atMost(ELECTION).until(() -> survivor.entriesSent() > sentBefore);
            // ...when the survivor hears of a leader its client is not aimed at: the client is replaced and closed.
            String elsewhere = cluster.ids().stream().filter(id -> !id.equals(survivor.proposalTarget()))
                    .findFirst().orElseThrow();
            survivor.aimAt(RaftPeerId.valueOf(elsewhere));
            assertThat(begin).isNotDone();

            stopped.forEach(cluster::start);
            assertThat(applied(begin).state()).isEqualTo(TxState.ACTIVE);
        }
    }

    /**
     * While no leader is ready, the Raft client moves on to whichever peer it tries next, so when a leader is named
     * the client may already be trying it, with the proposal waiting in a retry pause. Hearing of that leader must
     * still replace the client and send the proposal again (a failover answered nothing for 0.2 s after the new
     * leader was ready, when the client's own idea of the leader decided it).
     */
    @Test
    void aLeaderTheClientAlreadyTriesStillGetsTheProposalsSentAgain() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3,
                c -> c.withRequestTimeout(Duration.ofSeconds(60))).startAll()) {
            String leader = cluster.awaitLeader(ELECTION);
            String survivorId = cluster.other(leader);
            RatisDecisionLog survivor = cluster.node(survivorId);
            List<String> stopped = stopAllBut(cluster, survivorId, leader);

            long sentBefore = survivor.entriesSent();
            CompletableFuture<TxResult> begin = survivor.propose(new TxCommand.Begin(60_000, "in-flight"));
            await().atMost(ELECTION).until(() -> survivor.entriesSent() > sentBefore);
            // the client, finding no leader, moves on from the one it was built aimed at
            String tried = await().atMost(ELECTION).pollInterval(Duration.ofMillis(5))
                    .until(survivor::proposalTarget, target -> target != null && !target.equals(leader));
            long clients = survivor.proposalClientsBuilt();

            survivor.aimAt(RaftPeerId.valueOf(tried));

            assertThat(survivor.proposalClientsBuilt()).as("a client built aimed at " + tried).isEqualTo(clients + 1);
            survivor.aimAt(RaftPeerId.valueOf(tried));
            assertThat(survivor.proposalClientsBuilt()).as("no second client for the same leader").isEqualTo(clients + 1);
            stopped.forEach(cluster::start);
            assertThat(applied(begin).state()).isEqualTo(TxState.ACTIVE);
        }
    }

    @Test
    void leadershipIsAnnouncedOnExactlyOneNodePerTerm() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c).startAll()) {
            String first = cluster.awaitLeader(ELECTION);
            cluster.stop(first);
            String second = cluster.awaitLeader(ELECTION);
            cluster.start(first);
            // The restarted node must be a follower again before the next leader can be stopped safely.
            await().atMost(ELECTION).until(() -> second.equals(cluster.node(first).status().leaderId()));
            cluster.stop(second);
            String third = cluster.awaitLeader(ELECTION);
            assertThat(second).isNotEqualTo(first);
            assertThat(third).isNotEqualTo(second);

            List<LeadershipEvent> events = List.copyOf(cluster.events);
            LOG.info("leadership events: {}", events);
            Map<Long, List<String>> leadersByTerm = events.stream().filter(LeadershipEvent::leader)
                    .collect(Collectors.groupingBy(LeadershipEvent::term, TreeMap::new,
                            Collectors.mapping(LeadershipEvent::nodeId, Collectors.toList())));
            assertThat(leadersByTerm).hasSizeGreaterThanOrEqualTo(3);
            leadersByTerm.forEach((term, nodes) -> assertThat(nodes).as("leaders of term %d", term).hasSize(1));

            // Each node's events alternate true/false, and every stopped leader heard that it lost leadership.
            for (String id : cluster.ids()) {
                List<LeadershipEvent> own = events.stream().filter(e -> e.nodeId().equals(id)).toList();
                for (int i = 0; i < own.size(); i++) {
                    assertThat(own.get(i).leader()).as("event %d of %s", i, id).isEqualTo(i % 2 == 0);
                    if (i % 2 == 1) {
                        assertThat(own.get(i).term()).isEqualTo(own.get(i - 1).term());
                    }
                }
            }
            long stoppedLeaderTerm = cluster.events.stream()
                    .filter(e -> e.nodeId().equals(second) && e.leader()).mapToLong(LeadershipEvent::term).max()
                    .orElseThrow();
            assertThat(events).contains(new LeadershipEvent(second, false, stoppedLeaderTerm));
            // The current leader's last word is "leader" for the term it leads.
            RatisDecisionLog current = cluster.node(third);
            assertThat(events.stream().filter(e -> e.nodeId().equals(third)).toList().getLast())
                    .isEqualTo(new LeadershipEvent(third, true, current.leaderTerm()));
            assertThat(current.leaderTerm()).isEqualTo(current.status().term());
            // A listener registered while the node leads hears so at once.
            List<String> late = new java.util.concurrent.CopyOnWriteArrayList<>();
            current.addListener(new dev.verdict.coordinator.log.LogListener() {
                @Override
                public void onLeadershipChange(boolean leader, long term) {
                    late.add(leader + "@" + term);
                }
            });
            assertThat(late).containsExactly("true@" + current.leaderTerm());
        }
    }

    /**
     * Raft's own election timeout is set to seconds (the first election keeps the usual one): a survivor's watch of
     * the leader's process starts the election that replaces a stopped leader long before any timeout would, so the
     * node that started it wins it. Exactly one survivor starts one (two forced candidacies would split the vote),
     * and the group goes on.
     */
    @Test
    void aLeaderWhoseProcessIsGoneIsReplacedByTheSurvivorThatSawItGo() throws Exception {
        Consumer<RaftProperties> slowTimeout = properties -> {
            RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(4, TimeUnit.SECONDS));
            RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(5, TimeUnit.SECONDS));
        };
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c, slowTimeout).startAll()) {
            String oldLeader = cluster.awaitLeader(Duration.ofSeconds(30)); // a split first vote costs a slow timeout
            List<String> survivors = cluster.ids().stream().filter(id -> !id.equals(oldLeader)).toList();
            // A follower takes the leader as ready once it applies an entry of the leader's term (with heartbeats
            // this rare, only an entry written now gets there in time).
            applied(cluster.node(oldLeader).propose(new TxCommand.Begin(60_000, null)));
            applied(cluster.node(oldLeader).propose(new TxCommand.Begin(60_000, null)));
            await().atMost(ELECTION).untilAsserted(() -> assertThat(survivors)
                    .allSatisfy(id -> assertThat(cluster.node(id).watchedLeader()).isEqualTo(oldLeader)));

            cluster.stop(oldLeader);

            String newLeader = cluster.awaitLeader(ELECTION);
            assertThat(newLeader).isIn(survivors);
            assertThat(survivors.stream().collect(Collectors.toMap(id -> id, id -> cluster.node(id).electionsOnLeaderDeath())))
                    .as("elections started by the survivors on the leader's death").containsOnly(
                            Map.entry(newLeader, 1L), Map.entry(survivors.stream().filter(id -> !id.equals(newLeader))
                                    .findFirst().orElseThrow(), 0L));
            String follower = survivors.stream().filter(id -> !id.equals(newLeader)).findFirst().orElseThrow();
            assertThat(applied(cluster.node(follower).propose(new TxCommand.Begin(60_000, null))).state())
                    .isEqualTo(TxState.ACTIVE);
            await().atMost(ELECTION).until(() -> newLeader.equals(cluster.node(follower).watchedLeader()));
        }
    }

    @Test
    void aNodeWhoseRaftServerClosedItselfSaysItIsNotServing() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c).startAll()) {
            String leader = cluster.awaitLeader(ELECTION);
            RatisDecisionLog follower = cluster.node(cluster.other(leader));
            assertThat(follower.status().serving()).isTrue();

            follower.division().close(); // what Ratis does when its state machine updater fails

            await().atMost(Duration.ofSeconds(5)).until(() -> !follower.status().serving());
        }
    }

    /**
     * A node that was down while the leader snapshotted and purged its log is sent the leader's snapshot when it
     * returns. It must load it and go on applying: Ratis pauses the state machine first, and closed the node's Raft
     * server for good when the state machine did not say it was paused (found in the failover benchmark).
     */
    @Test
    void aNodeBehindTheLeadersPurgedLogLoadsTheLeadersSnapshotAndKeepsApplying() throws Exception {
        Consumer<RaftProperties> shortLog = properties -> { // the leader soon lacks what a stopped node needs
            RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf("8KB"));
            RaftServerConfigKeys.Log.setPurgeGap(properties, 1);
            RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        };
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c.withSnapshotThreshold(16), shortLog)
                .startAll()) {
            String leader = cluster.awaitLeader(ELECTION);
            RatisDecisionLog leaderLog = cluster.node(leader);
            String laggardId = cluster.other(leader);
            RatisDecisionLog laggard = cluster.node(laggardId);
            commitTransaction(leaderLog, leaderLog);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> laggard.replica().appliedIndex() == leaderLog.replica().appliedIndex());
            long laggardIndex = laggard.replica().appliedIndex();
            cluster.stop(laggardId);

            TransactionView decidedWhileAway = null;
            for (int i = 0; i < 200 && leaderLog.logStartIndex() <= laggardIndex + 1; i++) {
                decidedWhileAway = commitTransaction(leaderLog, leaderLog);
            }
            assertThat(leaderLog.logStartIndex()).as("first index the leader still holds")
                    .isGreaterThan(laggardIndex + 1);

            RatisDecisionLog restarted = cluster.start(laggardId);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(restarted.replica().appliedIndex()).isEqualTo(leaderLog.replica().appliedIndex());
                assertThat(localTable(restarted)).isEqualTo(localTable(leaderLog));
            });
            assertThat(restarted.stateMachine().lastSnapshotLoadedIndex()).as("index of the snapshot it was sent")
                    .isGreaterThan(laggardIndex);
            assertThat(restarted.status().serving()).isTrue();
            long awayTx = decidedWhileAway.txId();
            assertThat(restarted.replica().read(t -> t.query(new TxQuery.Get(awayTx))).getFirst().state())
                    .isEqualTo(TxState.COMMITTED);

            // still a member: what is committed next is applied there too
            TransactionView next = commitTransaction(leaderLog, leaderLog);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<TransactionView> there = restarted.replica().read(t -> t.query(new TxQuery.Get(next.txId())));
                assertThat(there).extracting(TransactionView::state).containsExactly(TxState.COMMITTED);
            });
        }
    }

    @Test
    void snapshotsAreTakenAndARestartedNodeRestoresFromOne() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c.withSnapshotThreshold(8)).startAll()) {
            String leader = cluster.awaitLeader(ELECTION);
            RatisDecisionLog leaderLog = cluster.node(leader);
            String followerId = cluster.other(leader);
            for (int i = 0; i < 20; i++) { // one entry each: the proposals do not overlap
                applied(leaderLog.propose(new TxCommand.Begin(60_000, "k" + i)));
            }
            TransactionView decided = commitTransaction(leaderLog, leaderLog);
            // The threshold triggers snapshots on every node by itself; an explicit one is possible too.
            RatisDecisionLog follower = cluster.node(followerId);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> follower.stateMachine().lastSnapshotTakenIndex() > 0);
            long forced = leaderLog.takeSnapshot();
            assertThat(forced).isGreaterThanOrEqualTo(decided.decisionIndex());

            cluster.stop(followerId);
            long afterStop = applied(leaderLog.propose(new TxCommand.Begin(60_000, "after-stop"))).txId();

            RatisDecisionLog restarted = cluster.start(followerId);
            assertThat(restarted.stateMachine().lastSnapshotLoadedIndex())
                    .as("index of the snapshot restored at start").isPositive();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(restarted.replica().appliedIndex()).isEqualTo(leaderLog.replica().appliedIndex());
                assertThat(localTable(restarted)).isEqualTo(localTable(leaderLog));
            });
            long lastTxId = restarted.replica().read(t -> t.lastTxId());
            assertThat(lastTxId).isEqualTo(afterStop);
            assertThat(read(restarted, decided.txId()).state()).isEqualTo(TxState.COMMITTED);
        }
    }

    @Test
    void withoutAQuorumProposalsAndReadsFailInBoundedTimeAndRecoverAfterwards() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c.withRequestTimeout(timeout)).startAll()) {
            String leader = cluster.awaitLeader(ELECTION);
            String survivorId = cluster.other(leader);
            RatisDecisionLog survivor = cluster.node(survivorId);
            TransactionView decided = commitTransaction(survivor, survivor);

            String down = cluster.ids().stream().filter(id -> !id.equals(survivorId) && !id.equals(leader))
                    .findFirst().orElseThrow();
            cluster.stop(leader);
            cluster.stop(down);

            long start = System.nanoTime();
            CompletableFuture<TxResult> proposal = survivor.propose(new TxCommand.Begin(60_000, "no-quorum"));
            assertThatThrownBy(() -> proposal.get(timeout.toMillis() + 4_000, TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(NoQuorumException.class);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            LOG.info("proposal without quorum failed after {} ms", took);
            assertThat(took).isGreaterThanOrEqualTo(timeout.toMillis() - 100);

            CompletableFuture<List<TransactionView>> query = survivor.query(new TxQuery.Get(decided.txId()));
            assertThatThrownBy(() -> query.get(timeout.toMillis() + 4_000, TimeUnit.MILLISECONDS))
                    .cause().isInstanceOf(NoQuorumException.class);

            // A majority again: the same node's log serves proposals and reads again.
            cluster.start(down);
            cluster.awaitLeader(ELECTION);
            TransactionView after = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> applied(survivor.propose(new TxCommand.Begin(60_000, "back"))), v -> v != null);
            assertThat(after.txId()).isGreaterThan(decided.txId());
            // Channels to a restarted peer may sit in gRPC's reconnect back-off for a moment: reads come back too.
            TransactionView readBack = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> read(survivor, decided.txId()), v -> v != null);
            assertThat(readBack.state()).isEqualTo(TxState.COMMITTED);
        }
    }

    /**
     * Rule 8 across a partition. A leader cut off from its followers goes on believing it leads for an election
     * timeout; a new leader may be deciding meanwhile. Ratis's read index answered such a leader's reads at once
     * when an earlier read had confirmed the same commit index, so it served stale state (the bank's chaos run
     * read ACTIVE after COMMITTED). Reads go through the log now: without a majority, none is answered.
     */
    @Test
    void aLeaderCutOffFromItsFollowersAnswersNoRead() throws Exception {
        Duration timeout = Duration.ofSeconds(8);
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 3, c -> c.withRequestTimeout(timeout)
                // long enough that the cut-off leader still believes it leads when it is asked
                .withElectionTimeout(Duration.ofSeconds(5), Duration.ofSeconds(6))).startAll()) {
            String leaderId = cluster.awaitLeader(Duration.ofSeconds(60));
            RatisDecisionLog leader = cluster.node(leaderId);
            TransactionView decided = commitTransaction(leader, leader);
            assertThat(read(leader, decided.txId()).state()).isEqualTo(TxState.COMMITTED); // confirms this index

            cluster.ids().stream().filter(id -> !id.equals(leaderId)).forEach(cluster::stop);
            assertThat(leader.status().isLeader()).as("still believes it leads").isTrue();

            CompletableFuture<List<TransactionView>> query = leader.query(new TxQuery.Get(decided.txId()));
            assertThatThrownBy(() -> query.get(timeout.toMillis() + 4_000, TimeUnit.MILLISECONDS))
                    .cause().isInstanceOf(NoQuorumException.class);
        }
    }

    @Test
    void closedLogRejectsWorkAndCloseIsIdempotent() throws Exception {
        try (RatisTestCluster cluster = new RatisTestCluster(dir, 1, c -> c).startAll()) {
            RatisDecisionLog single = cluster.node(cluster.awaitLeader(ELECTION));
            assertThat(applied(single.propose(new TxCommand.Begin(1_000, null))).txId()).isEqualTo(1);
            single.close();
            single.close();
            assertThat(single.propose(new TxCommand.Begin(1_000, null)))
                    .failsWithin(Duration.ofSeconds(1))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(NoQuorumException.class);
            assertThat(single.status().leaderId()).isNull();
            assertThat(single.leaderTerm()).isZero();
            assertThat(cluster.events).last().extracting(LeadershipEvent::leader).isEqualTo(false);
        }
    }
}
