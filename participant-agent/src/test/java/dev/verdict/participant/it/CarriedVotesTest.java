package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.support.Shard;
import dev.verdict.protocol.Headers;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.CommitRequest;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.participant.SignedVote;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * Votes the client carries from a call marked {@code Verdict-Prepare} to the commit, end to end with the real
 * coordinator (3-node Raft group) and real agents sharing the declaration key: the agent prepares its branch
 * before it answers that call and signs its vote; the leader counts a vote that checks out as the participant's
 * answer and sends it no PREPARE, and sends PREPARE to any participant whose vote does not check out.
 */
class CarriedVotesTest {

    static final String KEY = "carried-votes-test-key-0123456789abcdef";
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final TwoShardsWithRealCoordinator fixture =
            new TwoShardsWithRealCoordinator("--verdict.coordinator.declaration-key=" + KEY);

    @BeforeEach
    void startShards() {
        fixture.startShards("verdict.participant.declaration-key=" + KEY);
    }

    @Test
    void aLastCallPreparesItsBranchAndItsCarriedVoteSparesThePrepare() {
        TransactionBegun begun = fixture.beginDeclaringBoth(TIMEOUT);

        ResponseEntity<String> debit = move(fixture.shardA(), begun, "/accounts/alice/debit?amount=10", true);
        ResponseEntity<String> credit = move(fixture.shardB(), begun, "/accounts/bob/credit?amount=10", true);
        assertThat(debit.getStatusCode().value()).isEqualTo(200);
        assertThat(credit.getStatusCode().value()).isEqualTo(200);
        assertThat(fixture.pgA().preparedGids()).as("prepared before the commit")
                .containsExactly(fixture.shardA().gid(begun.txId()));
        assertThat(fixture.pgB().preparedGids()).containsExactly(fixture.shardB().gid(begun.txId()));
        List<String> votes = List.of(vote(debit), vote(credit));
        assertThat(votes).allSatisfy(vote -> assertThat(vote).contains(".YES."));
        ResponseEntity<String> afterTheLastCall = move(fixture.shardA(), begun, "/accounts/alice/debit?amount=5", false);
        assertThat(afterTheLastCall.getStatusCode().is2xxSuccessful()).as("work after the vote is refused, not lost")
                .isFalse();

        assertThat(commitAtTheLeader(begun.txId(), votes).state()).isEqualTo(TxState.COMMITTED);
        fixture.coordinator().awaitFinished(begun.txId(), TxState.COMMITTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(90);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(60);
        assertThat(fixture.shardA().gate().arrived("prepare", begun.txId())).as("no PREPARE for shard-a").isFalse();
        assertThat(fixture.shardB().gate().arrived("prepare", begun.txId())).as("no PREPARE for shard-b").isFalse();
    }

    /**
     * A client that did not let shard-a prepare, and carries a vote for it that shard-a never signed: the leader
     * must ask shard-a itself. Trusting that vote would decide COMMIT with shard-a's branch still open, and its
     * COMMIT PREPARED would find nothing: alice's debit lost while bob's credit commits.
     */
    @Test
    void aVoteThatDoesNotCheckOutIsIgnoredAndThatParticipantIsAskedToPrepare() {
        TransactionBegun begun = fixture.beginDeclaringBoth(TIMEOUT);
        assertThat(move(fixture.shardA(), begun, "/accounts/alice/debit?amount=10", false).getHeaders()
                .containsHeader(Headers.VOTE)).as("an unmarked call gets no vote").isFalse();
        ResponseEntity<String> credit = move(fixture.shardB(), begun, "/accounts/bob/credit?amount=10", true);
        assertThat(fixture.pgA().preparedGids()).isEmpty();

        ParticipantAddress shardA = fixture.shardA().address();
        List<String> forgedForA = List.of(
                new SignedVote("not-the-cluster-key-but-long-enough-0123").sign(begun.txId(), Vote.YES, shardA),
                new SignedVote(KEY).sign(begun.txId() + 1, Vote.YES, shardA).replaceFirst(
                        "^v1\\.\\d+\\.", "v1." + begun.txId() + "."),
                new SignedVote(KEY).sign(begun.txId(), Vote.YES,
                        new ParticipantAddress(shardA.participantId(), "http://elsewhere:1")));
        for (String forged : forgedForA) {
            assertThat(SignedVote.participantOf(forged)).contains(shardA.participantId());
        }

        List<String> votes = new ArrayList<>(forgedForA);
        votes.add(vote(credit));
        TransactionOutcome outcome = commitAtTheLeader(begun.txId(), votes);
        assertThat(outcome.state()).as(outcome.reason()).isEqualTo(TxState.COMMITTED);
        fixture.coordinator().awaitFinished(begun.txId(), TxState.COMMITTED);

        assertThat(fixture.shardA().gate().arrived("prepare", begun.txId())).as("shard-a asked to prepare").isTrue();
        assertThat(fixture.shardB().gate().arrived("prepare", begun.txId())).as("shard-b's vote was genuine").isFalse();
        assertThat(fixture.pgA().balance("alice")).as("alice's debit committed with bob's credit").isEqualTo(90);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(60);
        assertThat(fixture.pgA().preparedGids()).isEmpty();
    }

    @Test
    void aLastCallWhoseWorkFailsPreparesNothingAndGetsNoVote() {
        TransactionBegun begun = fixture.beginDeclaringBoth(TIMEOUT);

        ResponseEntity<String> failed = move(fixture.shardA(), begun, "/accounts/nobody/debit?amount=10", true);

        assertThat(failed.getStatusCode().is2xxSuccessful()).as(failed.getBody()).isFalse();
        assertThat(failed.getHeaders().containsHeader(Headers.VOTE)).isFalse();
        assertThat(fixture.pgA().preparedGids()).isEmpty();
        fixture.coordinator().abort(begun.txId());
    }

    @Test
    void theStartersClientCarriesTheVotesOfTheCallsMarkedPrepare() {
        // votes count only at the leader: the client asks it
        GlobalTransactions transactions = TwoShardsWithRealCoordinator.globalTransactions(
                List.of(URI.create(fixture.coordinator().cluster().awaitLeader().url())), TIMEOUT);
        RestClient toA = TwoShardsWithRealCoordinator.propagatingClient(fixture.shardA());
        RestClient toB = TwoShardsWithRealCoordinator.propagatingClient(fixture.shardB());

        List<ParticipantAddress> declared = List.of(fixture.shardA().address(), fixture.shardB().address());
        TransactionOutcome outcome = transactions.execute(TIMEOUT, declared, tx -> {
            toA.post().uri("/accounts/alice/debit?amount=30").header(Headers.PREPARE, "true")
                    .retrieve().toBodilessEntity();
            toB.post().uri("/accounts/bob/credit?amount=30").header(Headers.PREPARE, "true")
                    .retrieve().toBodilessEntity();
        });

        assertThat(outcome.state()).isEqualTo(TxState.COMMITTED);
        fixture.coordinator().awaitFinished(outcome.txId(), TxState.COMMITTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(70);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(80);
        assertThat(fixture.shardA().gate().arrived("prepare", outcome.txId())).isFalse();
        assertThat(fixture.shardB().gate().arrived("prepare", outcome.txId())).isFalse();
    }

    private static ResponseEntity<String> move(Shard shard, TransactionBegun begun, String path, boolean lastCall) {
        return shard.http().post().uri(path)
                .header(Headers.TRANSACTION, Long.toString(begun.txId()))
                .header(Headers.DECLARATION, begun.declaration())
                .headers(headers -> {
                    if (lastCall) {
                        headers.set(Headers.PREPARE, "true");
                    }
                })
                .retrieve()
                .onStatus(status -> true, (request, response) -> { })
                .toEntity(String.class);
    }

    private static String vote(ResponseEntity<String> response) {
        String vote = response.getHeaders().getFirst(Headers.VOTE);
        assertThat(vote).as("the signed vote on a marked call").isNotNull();
        return vote;
    }

    private static TransactionOutcome commitAtTheLeader(long txId, List<String> votes) {
        return fixture.coordinator().cluster().awaitLeader().api().commit(txId, new CommitRequest(votes));
    }
}
