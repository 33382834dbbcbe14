package dev.verdict.bank.chaos.report;

import dev.verdict.bank.chaos.check.BankChecker;
import dev.verdict.bank.chaos.check.Violation;
import dev.verdict.bank.chaos.nemesis.FaultKind;
import dev.verdict.bank.chaos.nemesis.FaultWindow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary of one run: its seed and shape, the faults injected by kind, the operations by outcome and the
 * checker's verdict, as Markdown.
 */
public record RunSummary(String title, long seed, Instant startedAt, Duration wallTime, String topology,
                         List<FaultWindow> faults, BankChecker.Report report, List<String> notes) {

    public Map<FaultKind, Integer> faultsByKind() {
        Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
        for (FaultKind kind : FaultKind.values()) {
            counts.put(kind, 0);
        }
        faults.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
        return counts;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| seed | `").append(seed).append("` (rerun with `-Dverdict.chaos.seed=").append(seed).append("`) |\n");
        md.append("| started | ").append(startedAt).append(" |\n");
        md.append("| wall time | ").append(format(wallTime)).append(" |\n");
        md.append("| topology | ").append(topology).append(" |\n");
        md.append("| verdict | **").append(report.valid() ? "valid: 0 violations" : report.total() + " violations")
                .append("** |\n\n");

        md.append("## Faults by kind\n\n| kind | count | how |\n| --- | ---: | --- |\n");
        faultsByKind().forEach((kind, n) -> md.append("| ").append(kind).append(" | ").append(n).append(" | ")
                .append(kind.description()).append(" |\n"));
        md.append("| **total** | **").append(faults.size()).append("** | |\n\n");

        md.append("## Operations by outcome\n\n| operation | outcome | count |\n| --- | --- | ---: |\n");
        BankChecker.Stats stats = report.stats();
        stats.transfers().forEach((k, v) -> md.append("| transfer | ").append(k).append(" | ").append(v).append(" |\n"));
        stats.audits().forEach((k, v) -> md.append("| audit | ").append(k).append(" | ").append(v).append(" |\n"));
        stats.reads().forEach((k, v) -> md.append("| read | ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\nTransactions checked for linearizability: ").append(stats.transactionsChecked())
                .append("; transfers in the ledger: ").append(stats.ledgerTransfers())
                .append("; final total: ").append(stats.finalTotal()).append(".\n\n");

        md.append("## Checker\n\n| rule | violations |\n| --- | ---: |\n");
        report.byRule().forEach((rule, n) -> md.append("| ").append(rule).append(" | ").append(n).append(" |\n"));
        if (!report.violations().isEmpty()) {
            md.append("\n### Violations\n\n");
            for (Violation v : report.violations()) {
                md.append("- ").append(v.rule()).append(": ").append(v.detail()).append('\n');
            }
        }
        md.append("\n## Fault timeline\n\n| # | kind | target | from (s) | to (s) |\n| ---: | --- | --- | ---: | ---: |\n");
        for (FaultWindow f : faults) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %.1f | %.1f |%n", f.seq(), f.kind(), f.target(),
                    f.startedAt() / 1e9, f.healedAt() / 1e9));
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, markdown());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String format(Duration d) {
        return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }
}
