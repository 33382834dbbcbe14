package dev.verdict.bank.bench;

import dev.verdict.bank.loadgen.Outcome;
import dev.verdict.bank.loadgen.Transfer;
import dev.verdict.bank.loadgen.TransferExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mode {@code local}, the physical reference: the debit and the credit (with their ledger rows) as ONE local
 * transaction on ONE database. The two accounts are on the same shard (the workload's same-shard transfers), so
 * the transfers spread over both shards as in the other modes, but each one commits once, on one database.
 */
final class LocalTransfers implements TransferExecutor {

    private final ShardConnections connections;
    /** Local transactions have no global txId: the ledger's tx_id gets a negative sequence number. */
    private final AtomicLong sequence = new AtomicLong();

    LocalTransfers(ShardConnections connections) {
        this.connections = connections;
    }

    @Override
    public Outcome execute(Transfer transfer) throws Exception {
        int shard = Math.floorMod(transfer.from(), connections.shardCount());
        if (shard != Math.floorMod(transfer.to(), connections.shardCount())) {
            throw new IllegalArgumentException("local mode needs two accounts on one shard: " + transfer);
        }
        UUID transferId = UUID.randomUUID();
        long txId = -sequence.incrementAndGet();
        Connection connection = connections.take(shard);
        boolean broken = false;
        try {
            // account-id order, as the gateway does: concurrent transfers never wait on each other in a cycle
            boolean covered = BankSql.leg(connection, transferId, txId, transfer, transfer.firstAccount())
                    && BankSql.leg(connection, transferId, txId, transfer, transfer.secondAccount());
            if (!covered) {
                connection.rollback();
                return Outcome.INSUFFICIENT_FUNDS;
            }
            connection.commit();
            return Outcome.COMMITTED;
        } catch (SQLException | RuntimeException e) {
            broken = !rollbackQuietly(connection);
            throw e;
        } finally {
            connections.give(shard, connection, broken);
        }
    }

    static boolean rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
