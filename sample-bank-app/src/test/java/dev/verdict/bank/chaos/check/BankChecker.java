package dev.verdict.bank.chaos.check;

import dev.verdict.bank.chaos.check.FinalState.LedgerRow;
import dev.verdict.bank.chaos.check.Linearizability.Entry;
import dev.verdict.bank.chaos.check.Violation.Rule;
import dev.verdict.bank.chaos.history.Call;
import dev.verdict.bank.chaos.history.Op;
import dev.verdict.bank.chaos.history.Outcome;
import dev.verdict.bank.chaos.history.Result;
import dev.verdict.bank.chaos.history.TxReading;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks a bank run: its history of transfers, audits and status reads, and the final state of the shards.
 *
 * <ol>
 * <li>Every audit saw the seeded total ({@link Rule#AUDIT_TOTAL}) and no negative balance
 * ({@link Rule#NEGATIVE_BALANCE}), nor did any plain balance read; the final balances sum to the seeded total
 * ({@link Rule#FINAL_TOTAL}).</li>
 * <li>Every account's final balance is its seeded balance plus the sum of its ledger rows
 * ({@link Rule#LEDGER_MISMATCH}): the ledger explains every balance.</li>
 * <li>Every transfer answered COMMITTED has its two ledger rows, a debit of the amount on {@code from} and a credit
 * on {@code to} ({@link Rule#LOST_COMMIT}); every transfer answered ABORTED, or that certainly did not run, has none
 * ({@link Rule#ABORTED_VISIBLE}); a transfer with an unknown outcome has both rows or none.</li>
 * <li>Every transfer in the ledger has exactly its two matching rows ({@link Rule#PARTIAL_TRANSFER}: a transfer
 * committed on one shard and aborted on the other) and comes from a client's request
 * ({@link Rule#PHANTOM_TRANSFER}).</li>
 * <li>No {@code verdict:} GID is left prepared after recovery ({@link Rule#PREPARED_LEFT}).</li>
 * <li>The decisions and status reads of every transaction are linearizable with respect to
 * {@link TxRegisterModel} ({@link Rule#NOT_LINEARIZABLE}).</li>
 * </ol>
 *
 * A transfer's ledger id is the {@code transferId} its answer named, else its client key.
 */
public final class BankChecker {

    /** Counts for the summary. */
    public record Stats(Map<String, Integer> transfers, Map<String, Integer> audits, Map<String, Integer> reads,
                        int transactionsChecked, int ledgerTransfers, long finalTotal) {
    }

    /**
     * The verdict.
     *
     * @param violations the violations in detail (at most {@value #MAX_DETAILS_PER_RULE} per rule, then one line
     *                   saying how many more)
     * @param byRule     how many violations of each rule, every rule listed
     */
    public record Report(List<Violation> violations, Map<Rule, Integer> byRule, Stats stats) {
        public boolean valid() {
            return total() == 0;
        }

        public int total() {
            return byRule.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    static final int MAX_DETAILS_PER_RULE = 20;

    private BankChecker() {
    }

    public static Report check(Map<String, Long> seeded, List<Op> ops, FinalState finalState) {
        return check(seeded, ops, finalState, List.of());
    }

    /** As {@link #check(Map, List, FinalState)}, with violations the run found itself (e.g. no recovery). */
    public static Report check(Map<String, Long> seeded, List<Op> ops, FinalState finalState, List<Violation> found) {
        List<Violation> violations = new ArrayList<>(found);
        long expectedTotal = seeded.values().stream().mapToLong(Long::longValue).sum();

        Map<String, Integer> audits = new TreeMap<>();
        Map<String, Integer> reads = new TreeMap<>();
        for (Op op : ops) {
            if (op.call() instanceof Call.Audit) {
                audits.merge(op.outcome().name(), 1, Integer::sum);
                if (op.outcome() == Outcome.OK && op.result() instanceof Result.Audit audit) {
                    checkAudit(op, audit, expectedTotal, violations);
                }
            } else if (op.call() instanceof Call.Balances) {
                reads.merge("balances " + op.outcome().name(), 1, Integer::sum);
                if (op.outcome() == Outcome.OK && op.result() instanceof Result.Balances(Map<String, Long> seen)) {
                    List<String> negative = seen.entrySet().stream().filter(e -> e.getValue() < 0)
                            .map(e -> e.getKey() + "=" + e.getValue()).toList();
                    if (!negative.isEmpty()) {
                        violations.add(new Violation(Rule.NEGATIVE_BALANCE, String.format(
                                "balance read #%d at %.3f s saw %s", op.id(), op.completedAt() / 1e9, negative)));
                    }
                }
            } else if (op.call() instanceof Call.Status || op.call() instanceof Call.ListRecent) {
                String kind = op.call() instanceof Call.Status ? "status" : "list";
                reads.merge(kind + " " + op.outcome().name(), 1, Integer::sum);
            }
        }

        // Final balances: total, negatives, reconciliation with the ledger.
        long finalTotal = finalState.balances().values().stream().mapToLong(Long::longValue).sum();
        if (finalTotal != expectedTotal) {
            violations.add(new Violation(Rule.FINAL_TOTAL,
                    "final total " + finalTotal + " != seeded total " + expectedTotal));
        }
        finalState.balances().forEach((account, balance) -> {
            if (balance < 0) {
                violations.add(new Violation(Rule.NEGATIVE_BALANCE, "final balance of " + account + " is " + balance));
            }
        });
        Map<String, Long> ledgerSums = new HashMap<>();
        for (LedgerRow row : finalState.ledger()) {
            ledgerSums.merge(row.accountId(), row.delta(), Long::sum);
        }
        TreeSet<String> accounts = new TreeSet<>(seeded.keySet());
        accounts.addAll(finalState.balances().keySet());
        accounts.addAll(ledgerSums.keySet());
        for (String account : accounts) {
            long start = seeded.getOrDefault(account, 0L);
            Long end = finalState.balances().get(account);
            long delta = ledgerSums.getOrDefault(account, 0L);
            if (end == null || !seeded.containsKey(account) || start + delta != end) {
                violations.add(new Violation(Rule.LEDGER_MISMATCH, "account " + account + ": seeded "
                        + (seeded.containsKey(account) ? start : "none") + " + ledger " + delta + " != final "
                        + (end == null ? "none" : end)));
            }
        }

        // Transfers against the ledger.
        Map<String, List<LedgerRow>> groups = finalState.ledger().stream()
                .collect(Collectors.groupingBy(LedgerRow::transferId, LinkedHashMap::new, Collectors.toList()));
        groups.forEach((id, rows) -> {
            if (!wellFormed(rows)) {
                violations.add(new Violation(Rule.PARTIAL_TRANSFER, "transfer " + id + " is in the ledger as " + rows
                        + ": not one debit and one credit of the same amount"));
            }
        });
        Map<String, Integer> transfers = new TreeMap<>();
        Map<String, List<LedgerRow>> unexplained = new LinkedHashMap<>(groups);
        List<Call.Transfer> unknownWithoutRows = new ArrayList<>();
        for (Op op : ops) {
            if (!(op.call() instanceof Call.Transfer call)) {
                continue;
            }
            Result.Transfer result = op.transferResult();
            String id = result != null && result.transferId() != null ? result.transferId() : call.key();
            List<LedgerRow> rows = groups.get(id);
            unexplained.remove(id);
            String label;
            if (op.outcome() == Outcome.OK && result != null && result.state() == TxReading.COMMITTED) {
                label = "COMMITTED";
                if (rows == null) {
                    violations.add(new Violation(Rule.LOST_COMMIT, "transfer " + id + " " + describe(call, op)
                            + " was answered COMMITTED but is not in the ledger"));
                } else if (wellFormed(rows) && !matches(rows, call)) {
                    // (a malformed group was reported above already)
                    violations.add(new Violation(Rule.PARTIAL_TRANSFER, "transfer " + id + " " + describe(call, op)
                            + " has ledger rows " + rows + " that do not match it"));
                }
            } else if (op.outcome() == Outcome.OK && result != null && result.state() == TxReading.ABORTED) {
                label = "ABORTED";
                if (rows != null) {
                    violations.add(new Violation(Rule.ABORTED_VISIBLE, "transfer " + id + " " + describe(call, op)
                            + " was answered ABORTED but left ledger rows " + rows));
                }
            } else if (op.outcome() == Outcome.FAIL) {
                label = "FAILED";
                if (rows != null) {
                    violations.add(new Violation(Rule.PHANTOM_TRANSFER, "transfer " + id + " " + describe(call, op)
                            + " certainly failed but left ledger rows " + rows));
                }
            } else {
                if (rows != null) {
                    label = "UNKNOWN, then found committed";
                    if (wellFormed(rows) && !matches(rows, call)) {
                        violations.add(new Violation(Rule.PARTIAL_TRANSFER, "transfer " + id + " "
                                + describe(call, op) + " has ledger rows " + rows + " that do not match it"));
                    }
                } else {
                    label = "UNKNOWN, then found absent";
                    unknownWithoutRows.add(call);
                }
            }
            transfers.merge(label, 1, Integer::sum);
        }
        // Ledger transfers under an id no answer named: some transfer whose answer was lost may explain each.
        unexplained.forEach((id, rows) -> {
            Call.Transfer match = unknownWithoutRows.stream().filter(call -> matches(rows, call)).findFirst().orElse(null);
            if (match != null) {
                unknownWithoutRows.remove(match);
                transfers.merge("UNKNOWN, then found absent", -1, Integer::sum);
                transfers.merge("UNKNOWN, then found committed", 1, Integer::sum);
            } else {
                violations.add(new Violation(Rule.PHANTOM_TRANSFER,
                        "ledger transfer " + id + " " + rows + " matches no transfer a client asked for"));
            }
        });

        // The coordinator's decisions against the ledger: any decided status read counts (they all agree if the
        // history is linearizable, which is checked below).
        Map<Long, TxReading> decided = new HashMap<>();
        for (Op op : ops) {
            if (op.ok() && op.call() instanceof Call.Status status && op.result() instanceof Result.Status(TxReading seen)
                    && seen.isDecided()) {
                decided.putIfAbsent(status.txId(), seen);
            }
        }
        Map<Long, List<LedgerRow>> rowsByTx = finalState.ledger().stream()
                .collect(Collectors.groupingBy(LedgerRow::txId, TreeMap::new, Collectors.toList()));
        rowsByTx.forEach((txId, rows) -> {
            if (decided.get(txId) == TxReading.ABORTED) {
                violations.add(new Violation(Rule.DECISION_MISMATCH,
                        "tx " + txId + " was read ABORTED but the ledger holds its rows " + rows));
            }
        });
        for (Op op : ops) {
            if (op.call() instanceof Call.Transfer call && op.txId() != null
                    && decided.get(op.txId()) == TxReading.COMMITTED && !rowsByTx.containsKey(op.txId())) {
                violations.add(new Violation(Rule.DECISION_MISMATCH, "tx " + op.txId() + " of transfer "
                        + describe(call, op) + " was read COMMITTED but the ledger holds none of its rows"));
            }
        }

        for (String gid : finalState.preparedGids()) {
            if (gid.startsWith("verdict:")) {
                violations.add(new Violation(Rule.PREPARED_LEFT, "prepared transaction " + gid + " was never resolved"));
            }
        }

        // Linearizability of decisions and status reads, one transaction at a time.
        Map<Long, List<Entry<TxRegisterModel.Op>>> histories = TxHistories.of(ops);
        histories.forEach((txId, history) -> {
            Linearizability.Result<TxRegisterModel.Op> result = Linearizability.check(TxRegisterModel.INSTANCE, history);
            if (result.exhausted()) {
                violations.add(new Violation(Rule.LINEARIZABILITY_UNKNOWN,
                        "tx " + txId + ": search gave up after " + result.steps() + " steps over " + history.size() + " operations"));
            } else if (!result.linearizable()) {
                violations.add(new Violation(Rule.NOT_LINEARIZABLE, "tx " + txId + ": " + explain(history, result)));
            }
        });

        Map<Rule, Integer> byRule = new LinkedHashMap<>();
        for (Rule rule : Rule.values()) {
            byRule.put(rule, 0);
        }
        violations.forEach(v -> byRule.merge(v.rule(), 1, Integer::sum));
        return new Report(capped(violations), byRule, new Stats(transfers, audits, reads, histories.size(), groups.size(),
                finalTotal));
    }

    private static void checkAudit(Op op, Result.Audit audit, long expectedTotal, List<Violation> violations) {
        if (audit.total() != expectedTotal) {
            violations.add(new Violation(Rule.AUDIT_TOTAL, String.format("audit #%d at %.3f s saw total %d, seeded %d",
                    op.id(), op.completedAt() / 1e9, audit.total(), expectedTotal)));
        }
        List<String> negative = audit.balances().entrySet().stream().filter(e -> e.getValue() < 0)
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
        if (audit.negative() || !negative.isEmpty()) {
            violations.add(new Violation(Rule.NEGATIVE_BALANCE, String.format(
                    "audit #%d at %.3f s saw a negative balance %s", op.id(), op.completedAt() / 1e9, negative)));
        }
    }

    /** Exactly a debit and a credit of one amount on two accounts. */
    private static boolean wellFormed(List<LedgerRow> rows) {
        if (rows.size() != 2) {
            return false;
        }
        LedgerRow a = rows.get(0);
        LedgerRow b = rows.get(1);
        return a.delta() != 0 && a.delta() == -b.delta() && !a.accountId().equals(b.accountId());
    }

    private static boolean matches(List<LedgerRow> rows, Call.Transfer call) {
        if (rows.size() != 2) {
            return false;
        }
        boolean debit = rows.stream().anyMatch(r -> r.accountId().equals(call.from()) && r.delta() == -call.amount());
        boolean credit = rows.stream().anyMatch(r -> r.accountId().equals(call.to()) && r.delta() == call.amount());
        return debit && credit;
    }

    private static String describe(Call.Transfer call, Op op) {
        return String.format("(#%d %s -> %s, %d, called at %.3f s)", op.id(), call.from(), call.to(), call.amount(),
                op.invokedAt() / 1e9);
    }

    /** The end of the longest linearizable prefix and the operations that could not follow it. */
    private static String explain(List<Entry<TxRegisterModel.Op>> history, Linearizability.Result<TxRegisterModel.Op> result) {
        List<Entry<TxRegisterModel.Op>> prefix = result.longestPrefix();
        List<Entry<TxRegisterModel.Op>> tail = prefix.subList(Math.max(0, prefix.size() - 4), prefix.size());
        List<Entry<TxRegisterModel.Op>> blocked = result.blocked().subList(0, Math.min(4, result.blocked().size()));
        return history.size() + " operations have no linearization; the longest linearizable prefix ("
                + prefix.size() + " operations) ends "
                + tail.stream().map(BankChecker::format).collect(Collectors.joining(", ", "[", "]"))
                + ", and none of " + blocked.stream().map(BankChecker::format).collect(Collectors.joining(", ", "[", "]"))
                + (result.blocked().size() > blocked.size() ? " (and " + (result.blocked().size() - blocked.size()) + " more)" : "")
                + " can follow it";
    }

    private static String format(Entry<TxRegisterModel.Op> e) {
        String end = e.returnedAt() == Op.NEVER ? "..." : String.format("%.3f", e.returnedAt() / 1e9);
        return String.format("%s@[%.3f,%s]", e.op(), e.calledAt() / 1e9, end);
    }

    /** At most a few violations per rule in detail, plus a line saying how many more. */
    private static List<Violation> capped(List<Violation> violations) {
        Map<Rule, Integer> seen = new HashMap<>();
        List<Violation> kept = new ArrayList<>();
        Map<Rule, Integer> dropped = new LinkedHashMap<>();
        for (Violation v : violations) {
            int n = seen.merge(v.rule(), 1, Integer::sum);
            if (n <= MAX_DETAILS_PER_RULE) {
                kept.add(v);
            } else {
                dropped.merge(v.rule(), 1, Integer::sum);
            }
        }
        dropped.forEach((rule, n) -> kept.add(new Violation(rule, "... and " + n + " more")));
        return kept;
    }
}
