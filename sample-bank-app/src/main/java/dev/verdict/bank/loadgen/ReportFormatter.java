package dev.verdict.bank.loadgen;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Formats a load run as the text the load generator prints. */
public final class ReportFormatter {

    private ReportFormatter() {
    }

    public static String format(String title, LoadResult result, Audit audit) {
        StringBuilder out = new StringBuilder();
        out.append(title).append('\n');
        out.append(String.format(Locale.ROOT, "  clients %d, measured %s%n", result.clients(), seconds(result.elapsed().toNanos())));
        out.append(line("transfers", result.total(), result.totalPerSecond()));
        out.append(line("COMMITTED", result.committed(), result.committedPerSecond()));
        out.append(line("ABORTED", result.count(Outcome.Kind.ABORTED), result.perSecond(result.count(Outcome.Kind.ABORTED))));
        out.append(line("INSUFFICIENT_FUNDS", result.count(Outcome.Kind.INSUFFICIENT_FUNDS),
                result.perSecond(result.count(Outcome.Kind.INSUFFICIENT_FUNDS))));
        out.append(line("errors", result.errors(), result.perSecond(result.errors())));
        String errorKinds = errorsByKind(result);
        if (!errorKinds.isEmpty()) {
            out.append("    by kind: ").append(errorKinds).append('\n');
        }
        out.append(latency("latency, committed (ms)", result.committedLatency().getTotalCount(), result::committedMillis));
        out.append(latency("latency, all answers (ms)", result.answeredLatency().getTotalCount(), result::answeredMillis));
        if (audit != null) {
            out.append(formatAudit(audit)).append('\n');
        }
        return out.toString();
    }

    public static String formatAudit(Audit audit) {
        return String.format(Locale.ROOT, "audit: total %d, expected %d, accounts %d, negative %d, consistent %s -> %s",
                audit.total(), audit.expectedTotal(), audit.accounts(), audit.negative(), audit.consistent(),
                audit.holds() ? "OK" : "VIOLATED");
    }

    /** {@code error:timeout=2, error:http-503:NO_QUORUM=1}, most frequent first. */
    public static String errorsByKind(LoadResult result) {
        return result.counts().entrySet().stream()
                .filter(e -> e.getKey().startsWith("error:"))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey().substring("error:".length()) + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String line(String label, long count, double perSecond) {
        return String.format(Locale.ROOT, "  %-20s %10d  %10.1f/s%n", label, count, perSecond);
    }

    private static String latency(String label, long count, java.util.function.DoubleUnaryOperator percentile) {
        if (count == 0) {
            return String.format(Locale.ROOT, "  %-27s none%n", label);
        }
        return String.format(Locale.ROOT, "  %-27s p50 %s  p90 %s  p99 %s  max %s%n", label,
                ms(percentile.applyAsDouble(50)), ms(percentile.applyAsDouble(90)), ms(percentile.applyAsDouble(99)),
                ms(percentile.applyAsDouble(100)));
    }

    public static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "-";
        }
        return millis >= 100 ? String.format(Locale.ROOT, "%.0f", millis) : String.format(Locale.ROOT, "%.2f", millis);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
