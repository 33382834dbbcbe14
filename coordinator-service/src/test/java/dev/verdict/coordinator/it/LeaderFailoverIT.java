package dev.verdict.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.verdict.coordinator.it.StubParticipant.Behavior;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import dev.verdict.protocol.coordinator.CommitRequest;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.ParticipantStatus;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;

/**
 * A real 3-node coordinator (Raft, REST, driver) with two HTTP stub participants; the leader is killed at each
 * step of the protocol (DESIGN section 4), and every participant must end with the same outcome, acknowledged.
 * After each test the killed node is restarted from its data dir and must catch up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaderFailoverIT {

    private CoordinatorCluster cluster;
    private StubParticipant p1;
    private StubParticipant p2;

    @BeforeAll
    void start(@TempDir Path dataDir) throws Exception {
        cluster = new CoordinatorCluster(dataDir, 3);
        p1 = new StubParticipant("p1");
        p2 = new StubParticipant("p2");
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (p1 != null) {
            p1.close();
        }
        if (p2 != null) {
            p2.close();
        }
    }

    /** Restart what a test killed; the restarted node must catch up with the leader's log from its data dir. */
    @AfterEach
    void restartKilledNodes() {
        p1.release();
        p2.release();
        cluster.restartKilledNodes();
    }

    @Test
    void commitsAndAborts() {
        CoordinatorApi api = cluster.follower().api();
        long committed = beginWithBoth(api);
        assertThat(api.commit(committed).state()).isEqualTo(TxState.COMMITTED);
        awaitAllAcknowledged(committed, TxState.COMMITTED);

        long aborted = beginWithBoth(api);
        assertThat(api.abort(aborted).state()).isEqualTo(TxState.ABORTED);
        awaitAllAcknowledged(aborted, TxState.ABORTED);
        assertThat(p1.answered("commit", aborted)).isFalse();
        assertThat(cluster.running()).allSatisfy(node -> assertThat(node.api().cluster().serving())
                .as("node %s takes part in the group", node).isTrue());
    }

    @Test
    void aNoVoteAbortsEveryBranch() {
        p2.vote("NO");
        try {
            CoordinatorApi api = cluster.awaitLeader().api();
            long txId = beginWithBoth(api);
            TransactionOutcome outcome = api.commit(txId);
            assertThat(outcome.state()).isEqualTo(TxState.ABORTED);
            assertThat(outcome.reason()).contains("p2 voted NO");
            awaitAllAcknowledged(txId, TxState.ABORTED);
            assertThat(p1.answered("commit", txId)).isFalse();
        } finally {
            p2.vote("YES");
        }
    }

    @Test
    void participantsDeclaredAtBeginCommitWithoutEnlisting() {
        CoordinatorApi api = cluster.follower().api();
        long txId = api.begin(new BeginTransactionRequest(30_000L, List.of(
                new ParticipantAddress(p1.id, p1.endpoint()), new ParticipantAddress(p2.id, p2.endpoint()))), null).txId();

        assertThat(api.commit(txId).state()).isEqualTo(TxState.COMMITTED);
        awaitAllAcknowledged(txId, TxState.COMMITTED);
        assertAgreement(txId, TxState.COMMITTED);
    }

    @Test
    void badCommitBodiesAreProblemsAndLeaveTheTransactionActiveAndVotesThatDoNotCheckOutAreIgnored() {
        CoordinatorApi api = cluster.awaitLeader().api();
        long txId = beginWithBoth(api);
        List<List<String>> bad = List.of(
                java.util.Collections.nCopies(65, "v1.1.YES.tag.p1"),
                List.of(""),
                List.of("v1.1.YES.tag." + "p".repeat(200)),
                java.util.Arrays.asList("v1.1.YES.tag.p1", null));

        for (List<String> votes : bad) {
            assertThatThrownBy(() -> api.commit(txId, new CommitRequest(votes)))
                    .isInstanceOfSatisfying(HttpClientErrorException.BadRequest.class,
                            e -> assertThat(e.getResponseBodyAsString()).contains("VALIDATION_FAILED"));
        }
        // asked deferred, but these nodes have no declaration key to seal with: a logged begin, as the answer says
        TransactionBegun asked = api.begin(new BeginTransactionRequest(30_000L,
                List.of(new ParticipantAddress(p1.id, p1.endpoint())), true), null);
        assertThat(asked.deferred()).isFalse();
        assertThat(api.status(asked.txId()).state()).isEqualTo(TxState.ACTIVE);
        api.abort(asked.txId());
        // a deferred begin's declaration these nodes did not seal (they have no key): refused, nothing logged
        assertThatThrownBy(() -> api.commit(txId, new CommitRequest(List.of(),
                List.of(new ParticipantAddress(p1.id, p1.endpoint())), "v1." + txId + ".1.AAAAAAAAAAAAAAAAAAAAAA")))
                .isInstanceOfSatisfying(HttpClientErrorException.BadRequest.class,
                        e -> assertThat(e.getResponseBodyAsString()).contains("VALIDATION_FAILED"));
        assertThat(api.status(txId).state()).isEqualTo(TxState.ACTIVE);
        // nor can they derive an id lease's key: no lease, a problem the client turns into asking for its begins
        assertThatThrownBy(api::leaseIds).isInstanceOfSatisfying(HttpClientErrorException.Conflict.class,
                e -> assertThat(e.getResponseBodyAsString()).contains("ID_LEASES_DISABLED"));

        // no declaration key here: well-formed votes are not trusted, both participants are asked to prepare
        String unchecked = "v1." + txId + ".YES.AAAAAAAAAAAAAAAAAAAAAA.";
        assertThat(api.commit(txId, new CommitRequest(List.of(unchecked + p1.id, unchecked + p2.id))).state())
                .isEqualTo(TxState.COMMITTED);
        awaitAllAcknowledged(txId, TxState.COMMITTED);
        assertAgreement(txId, TxState.COMMITTED);
        assertThat(p1.answered("prepare", txId) && p2.answered("prepare", txId)).as("both asked to prepare").isTrue();
    }

    @Test
    void badDeclaredParticipantsAreProblemsAndBeginNothing() {
        CoordinatorApi api = cluster.follower().api();
        long before = api.list(1).stream().mapToLong(TransactionStatus::txId).max().orElse(0);
        List<List<ParticipantAddress>> bad = List.of(
                List.of(new ParticipantAddress("p1", "http://one"), new ParticipantAddress("p1", "http://two")),
                java.util.Arrays.asList(new ParticipantAddress("p1", "http://one"), null),
                List.of(new ParticipantAddress("p1", "ftp://one")),
                List.of(new ParticipantAddress("not valid!", "http://one")));

        for (List<ParticipantAddress> participants : bad) {
            assertThatThrownBy(() -> api.begin(new BeginTransactionRequest(30_000L, participants), null))
                    .as("declaring %s", participants)
                    .isInstanceOfSatisfying(HttpClientErrorException.BadRequest.class,
                            e -> assertThat(e.getResponseBodyAsString()).contains("VALIDATION_FAILED"));
        }
        long after = api.list(1).stream().mapToLong(TransactionStatus::txId).max().orElse(0);
        assertThat(after).as("no transaction was begun").isEqualTo(before);
    }

    @Test
    void leaderDiesBeforeAnyPrepare() {
        long txId = beginWithBoth(cluster.awaitLeader().api());
        cluster.awaitLeader().kill();

        TransactionOutcome outcome = cluster.running().getFirst().api().commit(txId);

        assertThat(outcome.state()).isEqualTo(TxState.COMMITTED);
        awaitAllAcknowledged(txId, TxState.COMMITTED);
    }

    @Test
    void leaderDiesAfterVotesBeforeTheDecision() {
        CoordinatorCluster.Node leader = cluster.awaitLeader();
        CoordinatorCluster.Node follower = cluster.follower();
        long txId = beginWithBoth(follower.api());
        p1.onPrepare(Behavior.HOLD);
        p2.onPrepare(Behavior.HOLD);

        CompletableFuture<TransactionOutcome> commit = CompletableFuture.supplyAsync(() -> follower.api().commit(txId));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                p1.received().contains(new StubParticipant.Call("prepare", txId))
                        && p2.received().contains(new StubParticipant.Call("prepare", txId)));
        leader.kill();
        p1.release();
        p2.release();

        // The new leader finds the transaction PREPARING, re-runs PREPARE (idempotent) and decides.
        TransactionOutcome outcome = commit.join();
        awaitAllAcknowledged(txId, outcome.state());
        assertAgreement(txId, outcome.state());
    }

    @Test
    void leaderDiesAfterTheDecisionBeforePhaseTwo() {
        CoordinatorCluster.Node leader = cluster.awaitLeader();
        long txId = beginWithBoth(leader.api());
        p1.onPhaseTwo(Behavior.FAIL);
        p2.onPhaseTwo(Behavior.FAIL);

        assertThat(cluster.follower().api().commit(txId).state()).isEqualTo(TxState.COMMITTED);
        assertThat(p1.answered("commit", txId) || p2.answered("commit", txId)).isFalse();
        leader.kill();
        p1.release();
        p2.release();

        awaitAllAcknowledged(txId, TxState.COMMITTED);
        assertAgreement(txId, TxState.COMMITTED);
    }

    @Test
    void leaderDiesDuringPhaseTwo() {
        CoordinatorCluster.Node leader = cluster.awaitLeader();
        long txId = beginWithBoth(leader.api());
        p2.onPhaseTwo(Behavior.FAIL);

        assertThat(cluster.follower().api().commit(txId).state()).isEqualTo(TxState.COMMITTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> p1.answered("commit", txId));
        assertThat(p2.answered("commit", txId)).isFalse();
        leader.kill();
        p2.release();

        awaitAllAcknowledged(txId, TxState.COMMITTED);
        assertAgreement(txId, TxState.COMMITTED);
    }

    private long beginWithBoth(CoordinatorApi api) {
        long txId = api.begin(new BeginTransactionRequest(30_000L), null).txId();
        api.enlist(txId, new ParticipantAddress(p1.id, p1.endpoint()));
        api.enlist(txId, new ParticipantAddress(p2.id, p2.endpoint()));
        return txId;
    }

    /**
     * Polls a surviving node. While the survivors elect a leader (a new leader may also step down and the election
     * repeat when the machine is slow), a status read can answer 503 NO_QUORUM, which tells the client to ask again.
     */
    private void awaitAllAcknowledged(long txId, TxState expected) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(HttpServerErrorException.ServiceUnavailable.class)
                .untilAsserted(() -> {
                    TransactionStatus status = cluster.running().getFirst().api().status(txId);
                    assertThat(status.state()).isEqualTo(expected);
                    assertThat(status.decisionIndex()).isNotNull();
                    assertThat(status.participants()).extracting(ParticipantStatus::participantId)
                            .containsExactly("p1", "p2");
                    assertThat(status.participants()).allMatch(ParticipantStatus::acknowledged);
                });
    }

    /** Both participants heard the same decision, and nobody heard the other one. */
    private void assertAgreement(long txId, TxState outcome) {
        String heard = outcome == TxState.COMMITTED ? "commit" : "abort";
        String never = outcome == TxState.COMMITTED ? "abort" : "commit";
        for (StubParticipant p : List.of(p1, p2)) {
            assertThat(p.answered(heard, txId)).as("%s heard %s", p.id, heard).isTrue();
            assertThat(p.answered(never, txId)).as("%s never heard %s", p.id, never).isFalse();
        }
    }
}
