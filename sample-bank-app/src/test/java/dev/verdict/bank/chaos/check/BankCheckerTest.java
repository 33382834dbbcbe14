package dev.verdict.bank.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.bank.chaos.check.FinalState.LedgerRow;
import dev.verdict.bank.chaos.check.Violation.Rule;
import dev.verdict.bank.chaos.history.Call;
import dev.verdict.bank.chaos.history.Op;
import dev.verdict.bank.chaos.history.Outcome;
import dev.verdict.bank.chaos.history.Result;
import dev.verdict.bank.chaos.history.TxReading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BankCheckerTest {

    private static final Map<String, Long> SEEDED = Map.of("a", 100L, "b", 100L, "c", 100L);

    private final List<Op> ops = new ArrayList<>();
    private final Map<String, Long> balances = new LinkedHashMap<>(SEEDED);
    private final List<LedgerRow> ledger = new ArrayList<>();
    private final List<String> prepared = new ArrayList<>();
    private long clock;

    private Op add(Call call, Outcome outcome, Result result) {
        long start = clock++;
        Op op = new Op(ops.size(), 0, call, start, outcome == null ? Op.NEVER : clock++,
                outcome == null ? Outcome.INFO : outcome, result, null);
        ops.add(op);
        return op;
    }

    /** A transfer with its answer; {@code applied}: whether its rows are in the ledger and balances. */
    private void transfer(String key, String from, String to, long amount, Outcome outcome, TxReading state,
            long txId, boolean applied) {
        Result.Transfer result = outcome == Outcome.FAIL ? null : new Result.Transfer(key, txId, state, null);
        add(new Call.Transfer(key, from, to, amount, false), outcome, result);
        if (applied) {
            apply(key, from, to, amount, txId);
        }
    }

    private void apply(String id, String from, String to, long amount, long txId) {
        ledger.add(new LedgerRow(id, from, -amount, txId));
        ledger.add(new LedgerRow(id, to, amount, txId));
        balances.merge(from, -amount, Long::sum);
        balances.merge(to, amount, Long::sum);
    }

    private void audit(long total, Map<String, Long> seen) {
        add(new Call.Audit(), Outcome.OK, new Result.Audit(total, 300, false, total == 300, seen));
    }

    private void status(long txId, TxReading seen) {
        add(new Call.Status(txId, "n1"), Outcome.OK, new Result.Status(seen));
    }

    private BankChecker.Report check() {
        return BankChecker.check(SEEDED, ops, new FinalState(balances, ledger, prepared));
    }

    private void givenAHealthyRun() {
        transfer("t1", "a", "b", 30, Outcome.OK, TxReading.COMMITTED, 1, true);
        transfer("t2", "b", "c", 500, Outcome.OK, TxReading.ABORTED, 2, false);
        transfer("t3", "c", "a", 5, null, null, 3, true);      // unknown outcome, did commit
        transfer("t4", "c", "b", 7, Outcome.INFO, null, 4, false); // unknown outcome, did not
        audit(300, Map.of("a", 70L, "b", 130L, "c", 100L));
        status(1, TxReading.COMMITTED);
        status(2, TxReading.ABORTED);
        status(3, TxReading.COMMITTED);
        status(4, TxReading.ABORTED);
    }

    @Test
    void aHealthyRunHasNoViolations() {
        givenAHealthyRun();
        BankChecker.Report report = check();
        assertThat(report.violations()).isEmpty();
        assertThat(report.valid()).isTrue();
        assertThat(report.stats().transfers()).containsEntry("COMMITTED", 1).containsEntry("ABORTED", 1)
                .containsEntry("UNKNOWN, then found committed", 1).containsEntry("UNKNOWN, then found absent", 1);
        assertThat(report.stats().transactionsChecked()).isEqualTo(4);
    }

    @Test
    void anAuditWithTheWrongTotalOrANegativeBalance() {
        givenAHealthyRun();
        audit(290, Map.of("a", 70L, "b", 130L, "c", 90L));
        audit(300, Map.of("a", -10L, "b", 210L, "c", 100L));
        BankChecker.Report report = check();
        assertThat(report.byRule()).containsEntry(Rule.AUDIT_TOTAL, 1).containsEntry(Rule.NEGATIVE_BALANCE, 1);
        assertThat(report.valid()).isFalse();
    }

    @Test
    void aNegativeBalanceInAPlainRead() {
        givenAHealthyRun();
        add(new Call.Balances(), Outcome.OK, new Result.Balances(Map.of("a", 5L, "b", -1L)));
        assertThat(check().byRule()).containsEntry(Rule.NEGATIVE_BALANCE, 1);
    }

    @Test
    void aLostCommit() {
        givenAHealthyRun();
        transfer("t5", "a", "c", 10, Outcome.OK, TxReading.COMMITTED, 5, false);
        assertThat(check().byRule()).containsEntry(Rule.LOST_COMMIT, 1);
    }

    @Test
    void anAbortedTransferThatTookEffect() {
        givenAHealthyRun();
        transfer("t5", "a", "c", 10, Outcome.OK, TxReading.ABORTED, 5, true);
        assertThat(check().byRule()).containsEntry(Rule.ABORTED_VISIBLE, 1).containsEntry(Rule.LEDGER_MISMATCH, 0);
    }

    @Test
    void aTransferCommittedOnOneShardOnly() {
        givenAHealthyRun();
        add(new Call.Transfer("t5", "a", "c", 10, false), null, null);
        ledger.add(new LedgerRow("t5", "a", -10, 5));
        balances.merge("a", -10L, Long::sum);
        BankChecker.Report report = check();
        assertThat(report.byRule()).containsEntry(Rule.PARTIAL_TRANSFER, 1).containsEntry(Rule.FINAL_TOTAL, 1);
    }

    @Test
    void aTransferWhoseRowsMoveOtherAccountsOrAmounts() {
        givenAHealthyRun();
        transfer("t5", "a", "c", 10, Outcome.OK, TxReading.COMMITTED, 5, false);
        apply("t5", "a", "b", 10, 5);
        assertThat(check().byRule()).containsEntry(Rule.PARTIAL_TRANSFER, 1).containsEntry(Rule.LOST_COMMIT, 0);
    }

    @Test
    void aBalanceTheLedgerDoesNotExplain() {
        givenAHealthyRun();
        balances.merge("a", 1L, Long::sum);
        balances.merge("b", -1L, Long::sum);
        BankChecker.Report report = check();
        assertThat(report.byRule()).containsEntry(Rule.LEDGER_MISMATCH, 2).containsEntry(Rule.FINAL_TOTAL, 0);
    }

    @Test
    void aTransferNobodyAskedFor() {
        givenAHealthyRun();
        apply("ghost", "a", "b", 1, 999);
        assertThat(check().byRule()).containsEntry(Rule.PHANTOM_TRANSFER, 1);
    }

    @Test
    void anUnknownTransferWhoseIdTheClientNeverLearnedIsMatchedByItsShape() {
        add(new Call.Transfer("k9", "a", "b", 9, false), Outcome.INFO, null);
        apply("server-side-id-9", "a", "b", 9, 9);
        BankChecker.Report report = check();
        assertThat(report.violations()).isEmpty();
        assertThat(report.stats().transfers()).containsEntry("UNKNOWN, then found committed", 1);
    }

    @Test
    void aFailedTransferLeftNoTrace() {
        givenAHealthyRun();
        transfer("t5", "a", "c", 10, Outcome.FAIL, null, 0, true);
        assertThat(check().byRule()).containsEntry(Rule.PHANTOM_TRANSFER, 1);
    }

    @Test
    void aPreparedTransactionLeftBehind() {
        givenAHealthyRun();
        prepared.add("verdict:verdict:17:shard-a");
        prepared.add("someone-else:1");
        assertThat(check().byRule()).containsEntry(Rule.PREPARED_LEFT, 1);
    }

    @Test
    void aStatusReadThatContradictsTheAnswer() {
        givenAHealthyRun();
        status(1, TxReading.ABORTED);
        BankChecker.Report report = check();
        assertThat(report.byRule()).containsEntry(Rule.NOT_LINEARIZABLE, 1);
        assertThat(report.violations()).singleElement().satisfies(v -> assertThat(v.detail())
                .startsWith("tx 1: 3 operations have no linearization")
                .contains("Read[seen=ABORTED]"));
    }

    @Test
    void anAbortAnsweredBeforeTheCoordinatorDecidedIsNoViolation() {
        givenAHealthyRun();
        // the work failed and the abort request was lost: the gateway said ABORTED, the deadline aborts it later
        status(2, TxReading.ACTIVE);
        assertThat(check().byRule()).containsEntry(Rule.NOT_LINEARIZABLE, 1); // after an ABORTED read, never ACTIVE
        ops.removeLast();
        ops.removeIf(op -> op.call() instanceof Call.Status s && s.txId() == 2);
        status(2, TxReading.ACTIVE);
        status(2, TxReading.ABORTED);
        assertThat(check().valid()).isTrue();
    }

    @Test
    void aListingIsReadPerTransaction() {
        givenAHealthyRun();
        add(new Call.ListRecent("n2", 50), Outcome.OK, new Result.ListRecent(Map.of(1L, TxReading.COMMITTED,
                2L, TxReading.ABORTED, 99L, TxReading.ACTIVE)));
        assertThat(check().valid()).isTrue();
        add(new Call.ListRecent("n3", 50), Outcome.OK, new Result.ListRecent(Map.of(2L, TxReading.PREPARING)));
        assertThat(check().byRule()).containsEntry(Rule.NOT_LINEARIZABLE, 1);
    }

    @Test
    void theCoordinatorAndTheLedgerMustAgreeEvenWhenTheClientNeverLearnedTheOutcome() {
        givenAHealthyRun();
        transfer("t5", "a", "c", 10, Outcome.INFO, null, 5, true);  // committed on the shards...
        status(5, TxReading.ABORTED);                                // ...but the coordinator says ABORTED
        transfer("t6", "b", "c", 3, Outcome.INFO, null, 6, false);  // on no shard...
        status(6, TxReading.COMMITTED);                              // ...but the coordinator says COMMITTED
        BankChecker.Report report = check();
        assertThat(report.byRule()).containsEntry(Rule.DECISION_MISMATCH, 2).containsEntry(Rule.NOT_LINEARIZABLE, 0);
    }

    @Test
    void violationsTheRunFoundAreReportedToo() {
        givenAHealthyRun();
        BankChecker.Report report = BankChecker.check(SEEDED, ops, new FinalState(balances, ledger, prepared),
                List.of(new Violation(Rule.NO_RECOVERY, "no commit within 3 minutes")));
        assertThat(report.byRule()).containsEntry(Rule.NO_RECOVERY, 1);
        assertThat(report.valid()).isFalse();
    }

    @Test
    void violationDetailsAreCappedButCounted() {
        for (int i = 0; i < BankChecker.MAX_DETAILS_PER_RULE + 5; i++) {
            transfer("lost" + i, "a", "b", 1, Outcome.OK, TxReading.COMMITTED, 100 + i, false);
        }
        BankChecker.Report report = check();
        assertThat(report.byRule()).containsEntry(Rule.LOST_COMMIT, BankChecker.MAX_DETAILS_PER_RULE + 5);
        assertThat(report.violations()).hasSize(BankChecker.MAX_DETAILS_PER_RULE + 1);
        assertThat(report.violations().getLast().detail()).isEqualTo("... and 5 more");
    }
}
