package dev.verdict.bank.bench;

import dev.verdict.bank.loadgen.Outcome;
import dev.verdict.bank.loadgen.Transfer;
import dev.verdict.bank.loadgen.TransferExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mode {@code raw-2pc}, the 2PC floor: the same branch work on both shards over JDBC, then {@code PREPARE
 * TRANSACTION} on both (in parallel), then {@code COMMIT PREPARED} on both (in parallel). No coordinator, no
 * log. A transfer counts as committed once both COMMIT PREPARED returned: without a decision log, the first
 * COMMIT PREPARED is the only durable record of the decision, so nothing could be answered earlier.
 */
final class RawTwoPhaseTransfers implements TransferExecutor, AutoCloseable {

    /** GID prefix: never {@code verdict:}, so the agents' recovery leaves these alone. */
    static final String GID_PREFIX = "bench-raw2pc:";

    private final ShardConnections connections;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong sequence = new AtomicLong();
    private final ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor();

    RawTwoPhaseTransfers(ShardConnections connections) {
        this.connections = connections;
    }

    @Override
    public Outcome execute(Transfer transfer) throws Exception {
        int shards = connections.shardCount();
        int firstShard = Math.floorMod(transfer.firstAccount(), shards);
        int secondShard = Math.floorMod(transfer.secondAccount(), shards);
        if (firstShard == secondShard) {
            throw new IllegalArgumentException("raw-2pc needs two accounts on two shards: " + transfer);
        }
        long n = sequence.incrementAndGet();
        UUID transferId = UUID.randomUUID();
        String firstGid = GID_PREFIX + run + ":" + n + ":" + firstShard;
        String secondGid = GID_PREFIX + run + ":" + n + ":" + secondShard;
        Connection first = connections.take(firstShard);
        Connection second = null;
        boolean firstBroken = false;
        boolean secondBroken = false;
        boolean firstPrepared = false;
        boolean secondPrepared = false;
        boolean decided = false;
        try {
            second = connections.take(secondShard);
            // branch work in account-id order, as the gateway issues it
            boolean covered = BankSql.leg(first, transferId, -n, transfer, transfer.firstAccount())
                    && BankSql.leg(second, transferId, -n, transfer, transfer.secondAccount());
            if (!covered) {
                first.rollback();
                second.rollback();
                return Outcome.INSUFFICIENT_FUNDS;
            }
            // phase 1: both PREPAREs at once
            Connection secondConnection = second;
            CompletableFuture<Void> secondPrepare = CompletableFuture.runAsync(
                    () -> sql(secondConnection, "PREPARE TRANSACTION '" + secondGid + "'"), parallel);
            BankSql.execute(first, "PREPARE TRANSACTION '" + firstGid + "'");
            firstPrepared = true;
            join(secondPrepare);
            secondPrepared = true;
            // the decision: from here on, the transfer is committed and both branches must be
            decided = true;
            // phase 2: both COMMIT PREPAREDs at once (outside a transaction block: autocommit)
            first.setAutoCommit(true);
            second.setAutoCommit(true);
            CompletableFuture<Void> secondCommit = CompletableFuture.runAsync(
                    () -> sql(secondConnection, "COMMIT PREPARED '" + secondGid + "'"), parallel);
            BankSql.execute(first, "COMMIT PREPARED '" + firstGid + "'");
            firstPrepared = false;
            join(secondCommit);
            secondPrepared = false;
            return Outcome.COMMITTED;
        } catch (SQLException | RuntimeException e) {
            if (decided) {
                // never roll back a branch of a decided commit: finish it on a fresh connection
                firstBroken = true;
                secondBroken = true;
                finishCommit(firstShard, firstPrepared, firstGid, e);
                finishCommit(secondShard, secondPrepared, secondGid, e);
            } else {
                firstBroken = !undo(first, firstPrepared, firstGid);
                secondBroken = second != null && !undo(second, secondPrepared, secondGid);
            }
            throw e;
        } finally {
            firstBroken |= !resetAutoCommit(first);
            connections.give(firstShard, first, firstBroken);
            if (second != null) {
                secondBroken |= !resetAutoCommit(second);
                connections.give(secondShard, second, secondBroken);
            }
        }
    }

    /** COMMIT PREPARED of a branch still prepared after a failure in phase 2 (a GID already gone is done). */
    private void finishCommit(int shard, boolean maybePrepared, String gid, Exception failure) {
        if (!maybePrepared) {
            return;
        }
        try (Connection fresh = connections.openFresh(shard)) {
            if (BankSql.preparedGids(fresh).contains(gid)) {
                BankSql.execute(fresh, "COMMIT PREPARED '" + gid + "'");
            }
        } catch (SQLException e) {
            failure.addSuppressed(e); // left prepared: the invariant check reports it
        }
    }

    /** Rolls back an unprepared branch, or a prepared one (no decision was made: abort is the only safe end). */
    private static boolean undo(Connection connection, boolean prepared, String gid) {
        try {
            if (prepared) {
                connection.setAutoCommit(true);
                BankSql.execute(connection, "ROLLBACK PREPARED '" + gid + "'");
            } else {
                connection.rollback();
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean resetAutoCommit(Connection connection) {
        try {
            if (connection.getAutoCommit()) {
                connection.setAutoCommit(false);
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void sql(Connection connection, String sql) {
        try {
            BankSql.execute(connection, sql);
        } catch (SQLException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private static void join(CompletableFuture<Void> future) throws SQLException, InterruptedException {
        try {
            future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        parallel.close();
    }
}
