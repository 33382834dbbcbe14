package dev.verdict.bank.bench;

import dev.verdict.bank.loadgen.ReportFormatter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The benchmark's printed result: the table of every mode at every client count (markdown), and the comparisons
 * against the targets of issue 5: {@code verdict} throughput at least 0.6 x {@code raw-2pc} at 8 and 32 clients;
 * {@code verdict} p50 at 1 client at most {@code raw-2pc} p50 + {@code raft-write} p50; leader kill to the first
 * committed transfer at most 1 s; in-doubt branches resolved at most 2 s after the new leader's election.
 */
final class BenchReport {

    static final double THROUGHPUT_TARGET = 0.6;
    static final Duration FIRST_COMMIT_TARGET = Duration.ofSeconds(1);
    static final Duration IN_DOUBT_TARGET = Duration.ofSeconds(2);

    private BenchReport() {
    }

    static String table(List<ModeRun> runs) {
        StringBuilder out = new StringBuilder();
        out.append("| mode | clients | tx/s | p50 ms | p90 ms | p99 ms | committed | other outcomes | errors | Raft entries/s | entries/tx | CPU ms/tx | others' CPU (cores) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|\n");
        for (ModeRun run : runs) {
            long other = run.result().total() - run.result().committed() - run.result().errors();
            String errors = run.result().errors() == 0 ? "0"
                    : run.result().errors() + " (" + ReportFormatter.errorsByKind(run.result()) + ")";
            double entries = run.logEntriesPerSecond();
            boolean usesLog = !run.mode().equals(Modes.LOCAL) && !run.mode().equals(Modes.RAW_2PC);
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s |%n",
                    run.mode(), run.clients(), run.txPerSecond(), ReportFormatter.ms(run.p50()),
                    ReportFormatter.ms(run.p90()), ReportFormatter.ms(run.p99()), run.result().committed(),
                    other == 0 ? "-" : otherOutcomes(run), errors,
                    !usesLog || Double.isNaN(entries) ? "-" : String.format(Locale.ROOT, "%.0f", entries),
                    !usesLog || Double.isNaN(entries) || run.txPerSecond() == 0 ? "-"
                            : String.format(Locale.ROOT, "%.2f", entries / run.txPerSecond()),
                    Double.isNaN(run.cpuMillisPerTransfer()) ? "-" : String.format(Locale.ROOT, "%.1f", run.cpuMillisPerTransfer()),
                    Double.isNaN(run.othersCores()) ? "-" : String.format(Locale.ROOT, "%.2f", run.othersCores())));
        }
        return out.toString();
    }

    private static String otherOutcomes(ModeRun run) {
        List<String> parts = new ArrayList<>();
        run.result().counts().forEach((key, count) -> {
            if (!key.equals("COMMITTED") && !key.startsWith("error:")) {
                parts.add(key + " " + count);
            }
        });
        return String.join(", ", parts);
    }

    static Optional<ModeRun> find(List<ModeRun> runs, String mode, int clients) {
        return runs.stream().filter(r -> r.mode().equals(mode) && r.clients() == clients).findFirst();
    }

    /** The target lines; a comparison whose modes were not run is left out. */
    static List<String> comparisons(List<ModeRun> runs, List<FailoverResult> failovers) {
        List<String> lines = new ArrayList<>();
        for (ModeRun verdict : runs.stream().filter(r -> r.mode().equals(Modes.VERDICT)).toList()) {
            find(runs, Modes.RAW_2PC, verdict.clients()).ifPresent(raw -> {
                double ratio = raw.txPerSecond() == 0 ? Double.NaN : verdict.txPerSecond() / raw.txPerSecond();
                boolean targeted = verdict.clients() == 8 || verdict.clients() == 32;
                lines.add(String.format(Locale.ROOT, "verdict / raw-2pc throughput at %d clients: %.1f / %.1f = %.2f%s",
                        verdict.clients(), verdict.txPerSecond(), raw.txPerSecond(), ratio,
                        targeted ? " (target >= " + THROUGHPUT_TARGET + ": " + mark(ratio >= THROUGHPUT_TARGET) + ")" : ""));
            });
        }
        Optional<ModeRun> verdict1 = find(runs, Modes.VERDICT, 1);
        Optional<ModeRun> raw1 = find(runs, Modes.RAW_2PC, 1);
        Optional<ModeRun> raft1 = find(runs, Modes.RAFT_WRITE, 1);
        if (verdict1.isPresent() && raw1.isPresent() && raft1.isPresent()) {
            double bound = raw1.get().p50() + raft1.get().p50();
            double p50 = verdict1.get().p50();
            lines.add(String.format(Locale.ROOT,
                    "verdict p50 at 1 client: %s ms vs raw-2pc p50 + raft-write p50 = %s + %s = %s ms; difference verdict - raw-2pc = %s ms (target verdict <= bound: %s)",
                    ReportFormatter.ms(p50), ReportFormatter.ms(raw1.get().p50()), ReportFormatter.ms(raft1.get().p50()),
                    ReportFormatter.ms(bound), ReportFormatter.ms(p50 - raw1.get().p50()), mark(p50 <= bound)));
        }
        for (FailoverResult f : failovers) {
            lines.add(describe(f));
        }
        return lines;
    }

    static String describe(FailoverResult f) {
        String firstCommit = f.firstCommit() == null ? "none" : millis(f.firstCommit());
        String election = f.election() == null ? "not seen" : millis(f.election());
        String resolved = f.inDoubtBranches() == 0 ? "no in-doubt branch at the kill"
                : f.lastInDoubtResolved() == null ? f.inDoubtBranches() + " branches in doubt at the kill NOT resolved"
                : String.format(Locale.ROOT, "%d branches in doubt at the kill, last resolved %s after the kill, %s after the election (target <= %s: %s)",
                        f.inDoubtBranches(), millis(f.lastInDoubtResolved()), millis(f.resolvedAfterElection()),
                        millis(IN_DOUBT_TARGET), mark(f.resolvedAfterElection() != null
                                && f.resolvedAfterElection().compareTo(IN_DOUBT_TARGET) <= 0));
        String later = f.laterBranches() == 0 ? "no branch of a transaction begun before the kill prepared after it"
                : f.lastLaterResolved() == null ? f.laterBranches() + " branches of transactions begun before the kill, prepared after it, NOT all resolved"
                : String.format(Locale.ROOT, "%d branches of transactions begun before the kill prepared after it, last resolved %s after the kill",
                        f.laterBranches(), millis(f.lastLaterResolved()));
        return String.format(Locale.ROOT,
                "failover (killed %s%s, new leader %s): election %s, kill to first commit %s (target <= %s: %s); %s; %s; %d committed, %d errors during the run",
                f.killedNode(), f.killedAt() == null ? "" : " at " + f.killedAt(), f.newLeader(), election, firstCommit, millis(FIRST_COMMIT_TARGET),
                mark(f.firstCommit() != null && f.firstCommit().compareTo(FIRST_COMMIT_TARGET) <= 0), resolved, later,
                f.committed(), f.errors());
    }

    static String millis(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%d ms", d.toMillis());
    }

    private static String mark(boolean met) {
        return met ? "met" : "NOT met";
    }
}
