package dev.verdict.bank.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed set of open connections per shard, one per client, so the JDBC modes pay no connection set-up per
 * transfer (as a pool would give). A connection that failed is closed and replaced when given back.
 */
final class ShardConnections implements AutoCloseable {

    private final List<ShardDb> shards;
    private final List<BlockingQueue<Connection>> idle = new ArrayList<>();
    private final List<Connection> all = new ArrayList<>();

    ShardConnections(List<ShardDb> shards, int perShard) throws SQLException {
        this.shards = List.copyOf(shards);
        try {
            for (ShardDb shard : shards) {
                BlockingQueue<Connection> queue = new ArrayBlockingQueue<>(perShard);
                for (int i = 0; i < perShard; i++) {
                    queue.add(open(shard));
                }
                idle.add(queue);
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private synchronized Connection open(ShardDb shard) throws SQLException {
        Connection connection = shard.open();
        connection.setAutoCommit(false);
        all.add(connection);
        return connection;
    }

    /** A new autocommit connection outside the set, for the caller to close. */
    Connection openFresh(int shard) throws SQLException {
        return shards.get(shard).open();
    }

    Connection take(int shard) throws InterruptedException {
        return idle.get(shard).take();
    }

    /** Gives a connection back; {@code broken} ones are closed and replaced by a fresh one. */
    void give(int shard, Connection connection, boolean broken) {
        if (broken) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // replaced below
            }
            try {
                connection = open(shards.get(shard));
            } catch (SQLException e) {
                throw new IllegalStateException("cannot reopen a connection to shard " + shard, e);
            }
        }
        idle.get(shard).add(connection);
    }

    int shardCount() {
        return shards.size();
    }

    @Override
    public synchronized void close() {
        for (Connection connection : all) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        all.clear();
    }
}
