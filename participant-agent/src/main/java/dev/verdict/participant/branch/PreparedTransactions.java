package dev.verdict.participant.branch;

import dev.verdict.protocol.GlobalTransactionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * PostgreSQL's prepared transactions of this database, the source of truth for phase 2: an agent decides by
 * what pg_prepared_xacts says, not only by its memory, so duplicates and restarts change nothing. Each call
 * takes its own autocommit connection (COMMIT PREPARED cannot run inside a transaction block).
 */
public final class PreparedTransactions {

    /** A prepared transaction with this agent's GID prefix. */
    public record Prepared(GlobalTransactionId gid, Instant preparedAt) {
    }

    private static final String UNDEFINED_OBJECT = "42704";

    private final DataSource dataSource;

    public PreparedTransactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public boolean isPrepared(GlobalTransactionId gid) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return isPrepared(connection, gid);
        }
    }

    private static boolean isPrepared(Connection connection, GlobalTransactionId gid) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM pg_prepared_xacts WHERE gid = ? AND database = current_database()")) {
            statement.setString(1, gid.toString());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** This participant's prepared branches: GIDs of {@code clusterId} that name {@code participantId}. */
    public List<Prepared> list(String clusterId, String participantId) throws SQLException {
        List<Prepared> result = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT gid, prepared FROM pg_prepared_xacts"
                                + " WHERE database = current_database() AND starts_with(gid, ?) ORDER BY prepared")) {
            statement.setString(1, GlobalTransactionId.prefixOf(clusterId));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Instant preparedAt = rs.getTimestamp(2).toInstant();
                    GlobalTransactionId.parse(rs.getString(1))
                            .filter(gid -> gid.participantId().equals(participantId))
                            .ifPresent(gid -> result.add(new Prepared(gid, preparedAt)));
                }
            }
        }
        return result;
    }

    /** COMMIT PREPARED; false when the GID is not (any more) prepared: someone resolved it first. */
    public boolean commit(GlobalTransactionId gid) throws SQLException {
        return finish("COMMIT PREPARED ", gid);
    }

    /** ROLLBACK PREPARED; false when the GID is not (any more) prepared. */
    public boolean rollback(GlobalTransactionId gid) throws SQLException {
        return finish("ROLLBACK PREPARED ", gid);
    }

    private boolean finish(String command, GlobalTransactionId gid) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            statement.execute(command + literal(gid));
            return true;
        } catch (SQLException e) {
            if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** GIDs only hold [A-Za-z0-9._:-] (GlobalTransactionId validates its parts), so quoting is plain. */
    static String literal(GlobalTransactionId gid) {
        return "'" + gid.toString().replace("'", "''") + "'";
    }
}
