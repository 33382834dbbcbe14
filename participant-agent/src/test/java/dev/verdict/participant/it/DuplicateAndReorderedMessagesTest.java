package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.verdict.participant.support.FakeCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.participant.BranchInfo;
import dev.verdict.protocol.participant.BranchOutcome;
import dev.verdict.protocol.participant.BranchState;
import dev.verdict.protocol.participant.PhaseTwoBatch;
import dev.verdict.protocol.participant.PhaseTwoBatchResponse;
import dev.verdict.protocol.participant.PhaseTwoDecision;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import dev.verdict.protocol.participant.PhaseTwoResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.MapAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpStatusCodeException;

/** Every 2PC message is idempotent: duplicates and reordering change no outcome. Bad input is a 4xx problem. */
class DuplicateAndReorderedMessagesTest {

    static FakeCoordinator coordinator;
    static TestPostgres pg;
    static Shard shard;

    @BeforeAll
    static void start() {
        coordinator = FakeCoordinator.start();
        pg = TestPostgres.start();
        shard = Shard.start("shard-a", pg, coordinator.urls());
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(shard, pg, coordinator);
    }

    @BeforeEach
    void accounts() {
        pg.createAccounts("alice", "100", "carol", "5");
    }

    private long debited(long amount) {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shard.debit(txId, "alice", amount).getStatusCode().value()).isEqualTo(200);
        return txId;
    }

    @Test
    void duplicatePrepareVotesYesAgainAndCommitTwiceIsFine() {
        long txId = debited(10);
        assertThat(shard.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(shard.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        coordinator.decide(txId, TxState.COMMITTED);

        assertThat(shard.participant().commit(txId, new PhaseTwoRequest(3)).outcome()).isEqualTo(BranchOutcome.COMMITTED);
        assertThat(shard.participant().commit(txId, new PhaseTwoRequest(3)).outcome()).isEqualTo(BranchOutcome.COMMITTED);
        // a prepare delayed past the commit changes nothing either
        assertThat(shard.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(pg.balance("alice")).isEqualTo(90);
        assertThat(pg.preparedGids()).isEmpty();
    }

    @Test
    void abortAfterCommitDoesNotUndoIt() {
        long txId = debited(10);
        shard.participant().prepare(txId);
        coordinator.decide(txId, TxState.COMMITTED);
        shard.participant().commit(txId, new PhaseTwoRequest(4));

        var outcome = shard.participant().abort(txId, new PhaseTwoRequest(4)).outcome();
        assertThat(outcome).isEqualTo(BranchOutcome.COMMITTED);
        assertThat(pg.balance("alice")).isEqualTo(90);
    }

    @Test
    void duplicateAbortOfAPreparedBranchIsFine() {
        long txId = debited(10);
        shard.participant().prepare(txId);
        coordinator.decide(txId, TxState.ABORTED);
        assertThat(shard.participant().abort(txId, new PhaseTwoRequest(5)).outcome()).isEqualTo(BranchOutcome.ROLLED_BACK);
        assertThat(shard.participant().abort(txId, new PhaseTwoRequest(5)).outcome()).isEqualTo(BranchOutcome.ROLLED_BACK);
        // commit of something rolled back: nothing prepared any more, nothing to do
        assertThat(shard.participant().commit(txId, new PhaseTwoRequest(5)).outcome()).isEqualTo(BranchOutcome.UNKNOWN);
        assertThat(pg.balance("alice")).isEqualTo(100);
    }

    @Test
    void abortOvertakingPrepareMakesThePrepareVoteNoAndRefusesLaterWork() {
        long txId = debited(10);
        assertThat(shard.participant().abort(txId, new PhaseTwoRequest(0)).outcome()).isEqualTo(BranchOutcome.ROLLED_BACK);
        assertThat(shard.participant().prepare(txId).vote()).isEqualTo(Vote.NO);
        // a delayed work request for the aborted transaction does not open a new branch
        assertThat(shard.debit(txId, "alice", 10).getStatusCode().value()).isEqualTo(409);
        assertThat(shard.participant().prepare(txId).vote()).isEqualTo(Vote.NO);
        assertThat(pg.balance("alice")).isEqualTo(100);
        assertThat(pg.preparedGids()).isEmpty();
    }

    @Test
    void abortBeforeAnyWorkIsRememberedSoTheWorkIsRefused() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        assertThat(shard.participant().abort(txId, new PhaseTwoRequest(0)).outcome()).isEqualTo(BranchOutcome.UNKNOWN);
        assertThat(shard.debit(txId, "alice", 10).getStatusCode().value()).isEqualTo(409);
        assertThat(pg.balance("alice")).isEqualTo(100);
    }

    @Test
    void prepareOfAnUnknownBranchVotesNo() {
        var response = shard.participant().prepare(987_654);
        assertThat(response.vote()).isEqualTo(Vote.NO);
        assertThat(response.reason()).contains("no branch");
    }

    @Test
    void commitAndAbortOfAnUnknownBranchAnswerUnknown() {
        assertThat(shard.participant().commit(987_655, new PhaseTwoRequest(1)).outcome()).isEqualTo(BranchOutcome.UNKNOWN);
        assertThat(shard.participant().abort(987_656, new PhaseTwoRequest(1)).outcome()).isEqualTo(BranchOutcome.UNKNOWN);
    }

    @Test
    void commitOfABranchThatWasNeverPreparedIsRefusedAndLeavesItOpen() {
        long txId = debited(10);
        var e = catchThrowableOfType(HttpStatusCodeException.class,
                () -> shard.participant().commit(txId, new PhaseTwoRequest(1)));
        assertThat(e.getResponseBodyAs(Map.class)).containsEntry("code", "BRANCH_NOT_FOUND");
        assertThat(shard.participant().branches()).extracting(BranchInfo::txId).contains(txId);
        shard.participant().abort(txId, new PhaseTwoRequest(0));
    }

    @Test
    void abortWithoutALoggedDecisionDoesNotRollBackAPreparedBranchTheCoordinatorHasNotAborted() {
        long txId = debited(10);
        shard.participant().prepare(txId);
        // the coordinator has not decided: a YES voter never aborts on its own
        var e = catchThrowableOfType(HttpStatusCodeException.class,
                () -> shard.participant().abort(txId, new PhaseTwoRequest(0)));
        assertThat(e.getResponseBodyAs(Map.class)).containsEntry("code", "BRANCH_IN_DOUBT");
        assertThat(pg.preparedGids()).hasSize(1);

        coordinator.decide(txId, TxState.COMMITTED);
        shard.participant().commit(txId, new PhaseTwoRequest(6));
        assertThat(pg.balance("alice")).isEqualTo(90);
    }

    @Test
    void branchesListsOpenAndInDoubtBranches() {
        long open = debited(1);
        long prepared = coordinator.begin(Duration.ofSeconds(30));
        shard.debit(prepared, "carol", 1);
        shard.participant().prepare(prepared);

        assertThat(shard.participant().branches())
                .extracting(BranchInfo::txId, BranchInfo::state)
                .contains(org.assertj.core.groups.Tuple.tuple(open, BranchState.ACTIVE),
                        org.assertj.core.groups.Tuple.tuple(prepared, BranchState.IN_DOUBT));

        shard.participant().abort(open, new PhaseTwoRequest(0));
        coordinator.decide(prepared, TxState.ABORTED);
        shard.participant().abort(prepared, new PhaseTwoRequest(11));
        assertThat(shard.participant().branches()).isEmpty();
    }

    @Test
    void aBatchCarriesOutEachDecisionAndAnswersEachOnItsOwn() {
        long committed = debited(10);
        shard.participant().prepare(committed);
        coordinator.decide(committed, TxState.COMMITTED);
        long aborted = coordinator.begin(Duration.ofSeconds(30));
        shard.debit(aborted, "carol", 5);
        shard.participant().prepare(aborted);
        coordinator.decide(aborted, TxState.ABORTED);
        long neverPrepared = debited(1);

        PhaseTwoBatchResponse response = shard.participant().phaseTwo(new PhaseTwoBatch(List.of(
                new PhaseTwoDecision(committed, PhaseTwoDecision.Decision.COMMIT, 7),
                new PhaseTwoDecision(aborted, PhaseTwoDecision.Decision.ABORT, 8),
                new PhaseTwoDecision(neverPrepared, PhaseTwoDecision.Decision.COMMIT, 9),
                new PhaseTwoDecision(987_657, PhaseTwoDecision.Decision.COMMIT, 9))));

        assertThat(response.participantId()).isEqualTo("shard-a");
        assertThat(response.results()).containsExactly(
                PhaseTwoResult.done(committed, BranchOutcome.COMMITTED),
                PhaseTwoResult.done(aborted, BranchOutcome.ROLLED_BACK),
                response.results().get(2),
                PhaseTwoResult.done(987_657, BranchOutcome.UNKNOWN));
        // the commit of a branch never prepared is refused, as the single call refuses it, and the others stand
        assertThat(response.results().get(2).error()).isEqualTo(ErrorCode.BRANCH_NOT_FOUND);
        assertThat(response.results().get(2).acknowledged()).isFalse();
        assertThat(pg.balance("alice")).isEqualTo(90);
        assertThat(pg.balance("carol")).isEqualTo(5);
        assertThat(pg.preparedGids()).isEmpty();
        assertThat(shard.participant().branches()).extracting(BranchInfo::txId).containsExactly(neverPrepared);

        // delivered again (the coordinator's retry), the batch changes nothing
        PhaseTwoBatchResponse again = shard.participant().phaseTwo(new PhaseTwoBatch(List.of(
                new PhaseTwoDecision(committed, PhaseTwoDecision.Decision.COMMIT, 7),
                new PhaseTwoDecision(aborted, PhaseTwoDecision.Decision.ABORT, 8))));
        assertThat(again.results()).extracting(PhaseTwoResult::outcome)
                .containsExactly(BranchOutcome.COMMITTED, BranchOutcome.ROLLED_BACK);
        assertThat(pg.balance("alice")).isEqualTo(90);
        shard.participant().abort(neverPrepared, new PhaseTwoRequest(0));
    }

    @Test
    void badInputIsAProblemWithACodeNeverA500() {
        assertProblem("/verdict/v1/branches/phase-two", "{\"decisions\":[]}", 400, "VALIDATION_FAILED");
        assertProblem("/verdict/v1/branches/phase-two", "{\"decisions\":[null]}", 400, "VALIDATION_FAILED");
        assertProblem("/verdict/v1/branches/phase-two",
                "{\"decisions\":[{\"txId\":0,\"outcome\":\"COMMIT\",\"decisionIndex\":1}]}", 400, "VALIDATION_FAILED");
        assertProblem("/verdict/v1/branches/phase-two",
                "{\"decisions\":[{\"txId\":5,\"outcome\":\"MAYBE\",\"decisionIndex\":1}]}", 400, "MALFORMED_REQUEST");
        assertProblem("/verdict/v1/branches/phase-two", "{\"decisions\":[{\"txId\":5,\"decisionIndex\":1}]}", 400,
                "VALIDATION_FAILED");
        assertProblem("/verdict/v1/branches/-5/prepare", "{}", 400, "VALIDATION_FAILED");
        assertProblem("/verdict/v1/branches/5/commit", "{\"decisionIndex\":-1}", 400, "VALIDATION_FAILED")
                .containsEntry("detail", "decisionIndex: must be greater than or equal to 0");
        assertProblem("/verdict/v1/branches/abc/prepare", "{}", 400, "VALIDATION_FAILED")
                .containsEntry("detail", "txId: must be an integer");
        assertProblem("/verdict/v1/branches/5/commit", "{not json", 400, "MALFORMED_REQUEST");
        assertProblem("/verdict/v1/branches/5/abort", "", 400, "MALFORMED_REQUEST");
        // a work request with a bad Verdict-Tx header
        var response = shard.http().post().uri("/accounts/alice/debit?amount=1").header("Verdict-Tx", "zero")
                .retrieve().onStatus(s -> true, (req, res) -> { }).toEntity(Map.class);
        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getBody()).containsEntry("code", "VALIDATION_FAILED");
    }

    private MapAssert<Object, Object> assertProblem(String path, String body, int status, String code) {
        var response = shard.http().post().uri(path).contentType(MediaType.APPLICATION_JSON).body(body)
                .retrieve().onStatus(s -> true, (req, res) -> { }).toEntity(Map.class);
        assertThat(response.getStatusCode().value()).as(path + " " + body).isEqualTo(status);
        @SuppressWarnings("unchecked")
        Map<Object, Object> problem = response.getBody();
        // in the request's terms, never the Java method behind the endpoint
        assertThat(String.valueOf(problem.get("detail"))).as(path + " " + body).doesNotContain("dev.verdict");
        return assertThat(problem).as(path + " " + body).containsEntry("code", code);
    }
}
