package dev.verdict.bank;

import dev.verdict.bank.demo.DemoLauncher;
import java.util.Arrays;

/**
 * The one entry point of the bank jar: {@code java -jar sample-bank-app.jar <role> [--property=value ...]}.
 *
 * <ul>
 *   <li>{@code shard}: the participant agent beside one PostgreSQL shard (Spring profile {@code shard});</li>
 *   <li>{@code gateway}: the public transfer API and the web page (Spring profile {@code gateway});</li>
 *   <li>{@code demo}: the one-command local demo, which starts every process itself;</li>
 *   <li>{@code loadgen}, {@code bench}: the load generator and the benchmark (see the marked spot below).</li>
 * </ul>
 */
public final class BankMain {

    private BankMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String role = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (role) {
            case BankApplication.SHARD, BankApplication.GATEWAY -> BankApplication.run(role, rest);
            case "demo" -> DemoLauncher.main(rest);
            // ---- load generator and benchmark: their mains live in dev.verdict.bank.loadgen / dev.verdict.bank.bench
            // case "loadgen" -> dev.verdict.bank.loadgen.LoadGenerator.main(rest);
            // case "bench" -> dev.verdict.bank.bench.Benchmark.main(rest);
            // ----
            default -> {
                System.err.println("unknown role '" + role + "'");
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("""
                usage: java -jar sample-bank-app.jar <role> [--name=value ...]
                  shard     the participant agent of one PostgreSQL shard (bank.shard-index, spring.datasource.*)
                  gateway   the transfer API and web page (bank.shard-urls, verdict.client.coordinator-urls)
                  demo      the whole local demo: 3 coordinators, 2 PostgreSQL shards, their agents, the gateway
                            (--duration=60s runs unattended and stops; --help lists the options)""");
    }
}
