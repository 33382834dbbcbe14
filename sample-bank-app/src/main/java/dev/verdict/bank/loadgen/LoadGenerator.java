package dev.verdict.bank.loadgen;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code BankMain loadgen}: N concurrent clients send transfers to the gateway for a fixed duration, a share of
 * them overdrawing on purpose; prints throughput, latency percentiles, counts by outcome, and the audit at the end.
 * See {@link LoadGenOptions#USAGE}.
 */
public final class LoadGenerator {

    /** What a run found: the measured results, the audit after it, and what was asked. */
    public record Report(LoadGenOptions options, List<Long> accounts, LoadResult result, Audit auditBefore, Audit auditAfter) {
    }

    private LoadGenerator() {
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(LoadGenOptions.USAGE);
            return;
        }
        LoadGenOptions options;
        try {
            options = LoadGenOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.err.print(LoadGenOptions.USAGE);
            System.exit(1);
            return;
        }
        try {
            Report report = run(options, System.out);
            System.exit(report.auditAfter().holds() ? 0 : 2);
        } catch (Exception e) {
            System.err.println("loadgen: " + e);
            System.exit(1);
        }
    }

    /** Runs the load and prints the report on {@code out}. */
    public static Report run(LoadGenOptions options, PrintStream out) throws Exception {
        try (GatewayClient gateway = new GatewayClient(options.gateway(), Duration.ofSeconds(5), options.timeout())) {
            Audit before = gateway.audit();
            List<Long> accounts = options.accounts() > 0
                    ? TransferWorkload.accountRange(options.firstAccount(), options.accounts())
                    : gateway.accountIds();
            // more than the bank holds in total: no account can ever cover it
            long overdrawAmount = Math.max(before.expectedTotal(), before.total()) + 1;
            TransferWorkload workload = new TransferWorkload(accounts, options.shardCount(), options.maxAmount(),
                    options.overdraw(), overdrawAmount, options.crossShard());
            out.printf("loadgen: %d clients for %s (warm-up %s) against %s, %d accounts, overdraw share %.2f, seed %d%n",
                    options.clients(), options.duration(), options.warmup(), gateway.base(), accounts.size(),
                    options.overdraw(), options.seed());
            LoadRunner.Settings settings = new LoadRunner.Settings(options.clients(), options.warmup(), options.duration(),
                    options.rate(), options.seed(), options.transfers());
            LoadResult result = LoadRunner.run(settings, workload::next, gateway);
            Audit after = gateway.audit();
            out.print(ReportFormatter.format("results", result, after));
            return new Report(options, accounts, result, before, after);
        }
    }
}
