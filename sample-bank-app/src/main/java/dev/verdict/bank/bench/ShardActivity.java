package dev.verdict.bank.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * What the shards' PostgreSQL servers did while a measurement ran, read from their cumulative statistics views
 * ({@code pg_stat_wal}, PostgreSQL 14 and later, and {@code pg_stat_database}): WAL flushes, WAL records and bytes,
 * transactions committed and rolled back. Per committed transfer, it tells two modes that run the same statements
 * apart by what their servers had to do for it (a WAL flush shared by many commits costs one {@code fdatasync};
 * a flush per PREPARE does not). The statistics are sent by each backend at most every half second, so a
 * reading lags by that much.
 */
final class ShardActivity {

    private static final String WAL = "SELECT wal_records, wal_bytes, wal_sync FROM pg_stat_wal";
    private static final String TRANSACTIONS = "SELECT sum(xact_commit), sum(xact_rollback) FROM pg_stat_database";

    /** Totals over all shards since their servers started; {@link #UNKNOWN} when a shard could not be read. */
    record Sample(long walRecords, long walBytes, long walFlushes, long commits, long rollbacks) {

        static final Sample UNKNOWN = new Sample(-1, -1, -1, -1, -1);

        boolean known() {
            return walRecords >= 0;
        }

        Sample plus(Sample other) {
            return new Sample(walRecords + other.walRecords, walBytes + other.walBytes, walFlushes + other.walFlushes,
                    commits + other.commits, rollbacks + other.rollbacks);
        }
    }

    private final List<ShardDb> shards;

    ShardActivity(List<ShardDb> shards) {
        this.shards = List.copyOf(shards);
    }

    Sample sample() {
        Sample total = new Sample(0, 0, 0, 0, 0);
        for (ShardDb shard : shards) {
            try (Connection connection = shard.open(); Statement statement = connection.createStatement()) {
                total = total.plus(read(statement));
            } catch (SQLException e) {
                return Sample.UNKNOWN;
            }
        }
        return total;
    }

    private static Sample read(Statement statement) throws SQLException {
        long records;
        long bytes;
        long flushes;
        try (ResultSet wal = statement.executeQuery(WAL)) {
            wal.next();
            records = wal.getLong(1);
            bytes = wal.getLong(2);
            flushes = wal.getLong(3);
        }
        try (ResultSet transactions = statement.executeQuery(TRANSACTIONS)) {
            transactions.next();
            return new Sample(records, bytes, flushes, transactions.getLong(1), transactions.getLong(2));
        }
    }

    /**
     * The line for a measurement: what the shards did per committed transfer between {@code from} and {@code to},
     * {@code seconds} apart, at {@code txPerSecond}; empty when either sample is unknown or nothing committed.
     */
    static String perTransfer(Sample from, Sample to, double seconds, double txPerSecond) {
        if (!from.known() || !to.known() || seconds <= 0 || txPerSecond <= 0) {
            return "";
        }
        double transfers = seconds * txPerSecond;
        return String.format(Locale.ROOT,
                "%.2f WAL flushes, %.1f WAL records, %.1f KB of WAL, %.2f commits, %.2f rollbacks",
                (to.walFlushes() - from.walFlushes()) / transfers, (to.walRecords() - from.walRecords()) / transfers,
                (to.walBytes() - from.walBytes()) / 1024.0 / transfers, (to.commits() - from.commits()) / transfers,
                (to.rollbacks() - from.rollbacks()) / transfers);
    }
}
