package dev.verdict.bank.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bank's invariant, read directly from the shard databases once a mode has finished: the total over every
 * account is the total there was, no balance is negative, every balance equals its seed plus its ledger, and no
 * prepared transaction is left in any shard. Prepared transactions are waited for (Verdict finishes phase 2 after
 * answering the client) up to a bound; what is still prepared then is reported as left.
 */
final class InvariantCheck {

    /** What the shards hold. */
    record Result(long total, long expectedTotal, long accounts, long negative, long ledgerMismatches,
            List<String> preparedLeft, Duration preparedDrainedAfter) {

        boolean holds() {
            return total == expectedTotal && negative == 0 && ledgerMismatches == 0 && preparedLeft.isEmpty();
        }

        String describe() {
            return String.format(Locale.ROOT,
                    "total %d (expected %d) over %d accounts, %d negative, %d ledger mismatches, %d prepared left%s -> %s",
                    total, expectedTotal, accounts, negative, ledgerMismatches, preparedLeft.size(),
                    preparedLeft.isEmpty() ? "" : " " + preparedLeft.subList(0, Math.min(5, preparedLeft.size())),
                    holds() ? "OK" : "VIOLATED");
        }
    }

    private final List<ShardDb> shards;
    private final long initialBalance;

    InvariantCheck(List<ShardDb> shards, long initialBalance) {
        this.shards = List.copyOf(shards);
        this.initialBalance = initialBalance;
    }

    Result check(long expectedTotal, Duration waitForPrepared) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + waitForPrepared.toNanos();
        List<String> prepared = prepared();
        while (!prepared.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20); // polling pg_prepared_xacts until phase 2 is through (the condition), bounded
            prepared = prepared();
        }
        Duration drained = Duration.ofNanos(System.nanoTime() - start);
        long total = 0;
        long accounts = 0;
        long negative = 0;
        long mismatches = 0;
        for (ShardDb shard : shards) {
            try (Connection connection = shard.open(); Statement statement = connection.createStatement()) {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT coalesce(sum(balance), 0), count(*), count(*) FILTER (WHERE balance < 0) FROM accounts")) {
                    rows.next();
                    total += rows.getLong(1);
                    accounts += rows.getLong(2);
                    negative += rows.getLong(3);
                }
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM accounts a LEFT JOIN (SELECT account_id, sum(delta) AS delta FROM ledger"
                                + " GROUP BY account_id) l ON l.account_id = a.id"
                                + " WHERE a.balance <> " + initialBalance + " + coalesce(l.delta, 0)")) {
                    rows.next();
                    mismatches += rows.getLong(1);
                }
            }
        }
        return new Result(total, expectedTotal, accounts, negative, mismatches, prepared, drained);
    }

    /** Total over every account, right now. */
    long total() throws SQLException {
        long total = 0;
        for (ShardDb shard : shards) {
            try (Connection connection = shard.open(); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT coalesce(sum(balance), 0) FROM accounts")) {
                rows.next();
                total += rows.getLong(1);
            }
        }
        return total;
    }

    List<String> prepared() throws SQLException {
        List<String> gids = new ArrayList<>();
        for (ShardDb shard : shards) {
            try (Connection connection = shard.open()) {
                gids.addAll(BankSql.preparedGids(connection));
            }
        }
        return gids;
    }
}
