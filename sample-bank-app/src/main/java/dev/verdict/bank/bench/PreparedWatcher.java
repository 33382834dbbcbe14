package dev.verdict.bank.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows {@code pg_prepared_xacts} of every shard in the background (a poll every few milliseconds) and keeps,
 * for each Verdict GID it saw, when it was first and last seen prepared and when it was first seen gone.
 */
final class PreparedWatcher implements AutoCloseable {

    /** One prepared branch as the watcher saw it ({@link System#nanoTime()} instants; goneAt 0 while prepared). */
    record Seen(String gid, long txId, long firstSeen, long lastSeen, long goneAt) {
    }

    private final List<ShardDb> shards;
    private final long pollMillis;
    private final Map<String, long[]> seen = new HashMap<>(); // gid -> {txId, firstSeen, lastSeen, goneAt}
    private final Thread thread;
    private volatile boolean running = true;
    private volatile SQLException failure;

    PreparedWatcher(List<ShardDb> shards, long pollMillis) {
        this.shards = List.copyOf(shards);
        this.pollMillis = pollMillis;
        this.thread = Thread.ofPlatform().daemon().name("bench-prepared-watcher").start(this::watch);
    }

    private void watch() {
        List<Connection> connections = new ArrayList<>();
        try {
            for (ShardDb shard : shards) {
                Connection connection = shard.open();
                connection.setAutoCommit(true);
                connections.add(connection);
            }
            while (running) {
                Set<String> now = new HashSet<>();
                for (Connection connection : connections) {
                    now.addAll(BankSql.preparedGids(connection));
                }
                long at = System.nanoTime();
                synchronized (seen) {
                    for (String gid : now) {
                        long txId = txIdOf(gid);
                        if (txId < 0) {
                            continue;
                        }
                        long[] s = seen.computeIfAbsent(gid, g -> new long[] {txId, at, at, 0});
                        s[2] = at;
                        s[3] = 0;
                    }
                    for (Map.Entry<String, long[]> e : seen.entrySet()) {
                        if (!now.contains(e.getKey()) && e.getValue()[3] == 0) {
                            e.getValue()[3] = at;
                        }
                    }
                }
                Thread.sleep(pollMillis); // the poll interval of a background sampler
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Connection connection : connections) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // closing
                }
            }
        }
    }

    /** The txId of a Verdict GID {@code verdict:<clusterId>:<txId>:<participantId>}; -1 for any other GID. */
    static long txIdOf(String gid) {
        String[] parts = gid.split(":");
        if (parts.length != 4 || !parts[0].equals("verdict")) {
            return -1;
        }
        try {
            return Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    List<Seen> seen() throws SQLException {
        if (failure != null) {
            throw failure;
        }
        List<Seen> result = new ArrayList<>();
        synchronized (seen) {
            seen.forEach((gid, s) -> result.add(new Seen(gid, s[0], s[1], s[2], s[3])));
        }
        return result;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
