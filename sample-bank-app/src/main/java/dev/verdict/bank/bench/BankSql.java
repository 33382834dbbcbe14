package dev.verdict.bank.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import dev.verdict.bank.loadgen.Transfer;

/**
 * The bank's branch work in plain JDBC, the same statements the shard role runs: a debit is a conditional update
 * (no row when the balance does not cover it) and each side writes a ledger row (the migration's schema). Used by the modes that bypass
 * Verdict (local, raw-2pc) so that every mode does the same work on the same tables.
 */
final class BankSql {

    static final String EXISTS = "SELECT 1 FROM accounts WHERE id = ?";
    static final String LEDGER = """
            INSERT INTO ledger (transfer_id, account_id, delta, tx_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (transfer_id, account_id) DO NOTHING""";
    static final String DEBIT = "UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?";
    static final String CREDIT = "UPDATE accounts SET balance = balance + ? WHERE id = ?";

    private BankSql() {
    }

    /**
     * One leg, as the shard's {@code ShardAccounts} does it: the account must exist, the ledger row goes first,
     * then the balance change (a conditional update for a debit). Returns false when a debit is not covered; the
     * caller then rolls the transaction back (as the failed branch does).
     */
    static boolean leg(Connection connection, UUID transferId, long txId, long account, long delta) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(EXISTS)) {
            exists.setLong(1, account);
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("account " + account + " does not exist", "02000");
                }
            }
        }
        try (PreparedStatement ledger = connection.prepareStatement(LEDGER)) {
            ledger.setObject(1, transferId);
            ledger.setLong(2, account);
            ledger.setLong(3, delta);
            ledger.setLong(4, txId);
            ledger.executeUpdate();
        }
        long amount = Math.abs(delta);
        if (delta < 0) {
            try (PreparedStatement debit = connection.prepareStatement(DEBIT)) {
                debit.setLong(1, amount);
                debit.setLong(2, account);
                debit.setLong(3, amount);
                return debit.executeUpdate() == 1;
            }
        }
        try (PreparedStatement credit = connection.prepareStatement(CREDIT)) {
            credit.setLong(1, amount);
            credit.setLong(2, account);
            credit.executeUpdate();
            return true;
        }
    }

    /** The leg of {@code transfer} on {@code account}: a debit of its source, a credit of its destination. */
    static boolean leg(Connection connection, UUID transferId, long txId, Transfer transfer, long account) throws SQLException {
        return leg(connection, transferId, txId, account, account == transfer.from() ? -transfer.amount() : transfer.amount());
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The GIDs in pg_prepared_xacts of this connection's database. */
    static List<String> preparedGids(Connection connection) throws SQLException {
        List<String> gids = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY gid")) {
            while (rows.next()) {
                gids.add(rows.getString(1));
            }
        }
        return gids;
    }
}
