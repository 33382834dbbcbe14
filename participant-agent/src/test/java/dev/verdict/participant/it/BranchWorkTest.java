package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.participant.context.CurrentTransaction;
import dev.verdict.participant.support.BankTestApp;
import dev.verdict.participant.support.FakeCoordinator;
import dev.verdict.participant.support.Shard;
import dev.verdict.participant.support.TestPostgres;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ways app code gets into a branch: {@code @BranchWork} methods (ANNOTATED scope, and outside any request), and
 * the app's own {@code @Transactional} joining the branch instead of committing it. Two participants share one
 * PostgreSQL server here, each with its own GIDs.
 */
class BranchWorkTest {

    static FakeCoordinator coordinator;
    static TestPostgres pg;
    static Shard requestScoped;
    static Shard annotated;

    @BeforeAll
    static void start() {
        coordinator = FakeCoordinator.start();
        pg = TestPostgres.start();
        requestScoped = Shard.start("shard-r", pg, coordinator.urls());
        annotated = Shard.start("shard-n", pg, coordinator.urls(), "verdict.participant.web-branch-scope=ANNOTATED");
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(requestScoped, annotated, pg, coordinator);
    }

    @BeforeEach
    void accounts() {
        pg.createAccounts("alice", "100", "fees", "0");
    }

    @Test
    void transactionalAppCodeJoinsTheBranchInsteadOfCommittingIt() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        var response = requestScoped.http().post().uri("/accounts/alice/debit-transactional?amount=10")
                .header("Verdict-Tx", Long.toString(txId)).retrieve().toBodilessEntity();
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(pg.balance("alice")).as("not committed by @Transactional").isEqualTo(100);

        requestScoped.participant().abort(txId, new PhaseTwoRequest(0));
        assertThat(pg.balance("alice")).isEqualTo(100);
    }

    @Test
    void inTheAnnotatedScopeOnlyBranchWorkMethodsAreInTheBranch() {
        long txId = coordinator.begin(Duration.ofSeconds(30));
        var response = annotated.http().post().uri("/accounts/alice/debit-annotated?amount=10&fee=fees")
                .header("Verdict-Tx", Long.toString(txId)).retrieve().toBodilessEntity();
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(pg.balance("fees")).as("outside the branch: committed at once").isEqualTo(1);
        assertThat(pg.balance("alice")).as("in the branch: not yet").isEqualTo(100);

        assertThat(annotated.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        assertThat(pg.preparedGids()).containsExactly("verdict:verdict:" + txId + ":shard-n");
        coordinator.decide(txId, TxState.COMMITTED);
        annotated.participant().commit(txId, new PhaseTwoRequest(1));
        assertThat(pg.balance("alice")).isEqualTo(90);
    }

    @Test
    void branchWorkOutsideAnyRequestUsesTheCurrentTransaction() {
        BankTestApp.AccountService service = requestScoped.context().getBean(BankTestApp.AccountService.class);
        long txId = coordinator.begin(Duration.ofSeconds(30));
        try (CurrentTransaction.Scope scope = CurrentTransaction.enter(txId)) { // e.g. a message listener
            service.debitInBranch("alice", 5);
        }
        assertThat(pg.balance("alice")).isEqualTo(100);
        assertThat(coordinator.enlisted(txId)).extracting("participantId").containsExactly("shard-r");

        // without a current transaction the same method is plain local work
        service.debitInBranch("fees", -2);
        assertThat(pg.balance("fees")).isEqualTo(2);

        assertThat(requestScoped.participant().prepare(txId).vote()).isEqualTo(Vote.YES);
        coordinator.decide(txId, TxState.COMMITTED);
        requestScoped.participant().commit(txId, new PhaseTwoRequest(1));
        assertThat(pg.balance("alice")).isEqualTo(95);
    }
}
