package dev.verdict.bank.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The bank's branch work in plain JDBC, the same statements the shard role runs: a debit is a conditional update
 * (no row when the balance does not cover it) and each side writes a ledger row. Used by the modes that bypass
 * Verdict (local, raw-2pc) so that every mode does the same work on the same tables.
 */
final class BankSql {

    static final String DEBIT = "UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?";
    static final String CREDIT = "UPDATE accounts SET balance = balance + ? WHERE id = ?";
    static final String LEDGER = "INSERT INTO ledger (transfer_id, account_id, delta) VALUES (?, ?, ?)";

    private BankSql() {
    }

    /** Debits {@code account}; false (and nothing written) when the balance does not cover {@code amount}. */
    static boolean debit(Connection connection, String transferId, long account, long amount) throws SQLException {
        try (PreparedStatement debit = connection.prepareStatement(DEBIT)) {
            debit.setLong(1, amount);
            debit.setLong(2, account);
            debit.setLong(3, amount);
            if (debit.executeUpdate() != 1) {
                return false;
            }
        }
        ledger(connection, transferId, account, -amount);
        return true;
    }

    static void credit(Connection connection, String transferId, long account, long amount) throws SQLException {
        try (PreparedStatement credit = connection.prepareStatement(CREDIT)) {
            credit.setLong(1, amount);
            credit.setLong(2, account);
            if (credit.executeUpdate() != 1) {
                throw new SQLException("account " + account + " does not exist", "02000");
            }
        }
        ledger(connection, transferId, account, amount);
    }

    /** Debit when {@code account} is the source, credit when it is the destination. */
    static boolean apply(Connection connection, String transferId, long account, long from, long amount) throws SQLException {
        if (account == from) {
            return debit(connection, transferId, account, amount);
        }
        credit(connection, transferId, account, amount);
        return true;
    }

    private static void ledger(Connection connection, String transferId, long account, long delta) throws SQLException {
        try (PreparedStatement ledger = connection.prepareStatement(LEDGER)) {
            ledger.setString(1, transferId);
            ledger.setLong(2, account);
            ledger.setLong(3, delta);
            ledger.executeUpdate();
        }
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
