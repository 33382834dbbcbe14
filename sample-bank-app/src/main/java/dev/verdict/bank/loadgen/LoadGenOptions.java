package dev.verdict.bank.loadgen;

import java.net.URI;
import java.time.Duration;

/**
 * The load generator's options.
 *
 * @param gateway the gateway's base URL
 * @param clients concurrent clients
 * @param duration measured duration
 * @param warmup unmeasured run before it
 * @param overdraw share of transfers (0..1) that ask for more than the bank's whole total
 * @param maxAmount other transfers move a uniformly random amount in [1, maxAmount]
 * @param accounts number of accounts to use (ids firstAccount..), or 0 to read the ids from the gateway
 * @param firstAccount the first account id when {@code accounts} is given
 * @param shardCount the bank's shard count (shard = id mod shardCount)
 * @param crossShard whether every transfer goes between two shards (else any two accounts)
 * @param rate transfers started per second over all clients, or 0 for as fast as the clients go
 * @param timeout per-request timeout
 * @param seed random seed (printed, so a run can be repeated)
 * @param transfers stop after this many measured transfers (0: run for the duration; the duration still caps it)
 */
public record LoadGenOptions(URI gateway, int clients, Duration duration, Duration warmup, double overdraw,
        long maxAmount, int accounts, long firstAccount, int shardCount, boolean crossShard, double rate,
        Duration timeout, long seed, long transfers) {

    public static final String USAGE = """
            loadgen: concurrent transfers against the bank gateway; prints throughput, latency percentiles,
            outcomes and the audit.
              --gateway=http://localhost:8080  gateway base URL
              --clients=8                      concurrent clients (virtual threads, one shared HTTP client)
              --duration=30s                   measured duration (500ms, 10s, 2m, PT30S)
              --warmup=0s                      unmeasured run before it
              --overdraw=0.1                   share of transfers asking for more than the bank's total
              --max-amount=100                 other transfers move 1..max-amount minor units
              --accounts=0                     0: read the account ids from GET /api/accounts;
                                               N: use ids first-account..first-account+N-1
              --first-account=1
              --shard-count=2                  shard = account id mod shard-count
              --cross-shard=true               every transfer between two shards (false: any two accounts)
              --rate=0                         transfers per second over all clients (0: as fast as possible)
              --timeout=30s                    per-request timeout
              --seed=<random>                  random seed
              --transfers=0                    N: stop after N measured transfers (the duration still caps the run)
            Exit status 0 when the final audit holds, 2 when it does not, 1 on a usage or connection error.
            """;

    public static LoadGenOptions parse(String... args) {
        CommandLine line = CommandLine.parse(args);
        LoadGenOptions options = new LoadGenOptions(
                URI.create(line.string("gateway", "http://localhost:8080")),
                line.integer("clients", 8),
                line.duration("duration", Duration.ofSeconds(30)),
                line.duration("warmup", Duration.ZERO),
                line.decimal("overdraw", 0.1),
                line.longValue("max-amount", 100),
                line.integer("accounts", 0),
                line.longValue("first-account", 1),
                line.integer("shard-count", 2),
                line.flag("cross-shard", true),
                line.decimal("rate", 0),
                line.duration("timeout", Duration.ofSeconds(30)),
                line.longValue("seed", System.nanoTime()),
                line.longValue("transfers", 0));
        line.rejectUnknown();
        return options;
    }

    public LoadGenOptions {
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be at least 1");
        }
        if (overdraw < 0 || overdraw > 1) {
            throw new IllegalArgumentException("--overdraw must be in [0, 1]");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (transfers < 0) {
            throw new IllegalArgumentException("--transfers must not be negative");
        }
    }
}
