package dev.verdict.participant.branch;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ending a pinned connection's local transaction and giving the connection back to the pool. */
final class BranchConnections {

    private static final Logger log = LoggerFactory.getLogger(BranchConnections.class);

    private BranchConnections() {
    }

    /** Rolls back and returns the connection; a failure only means PostgreSQL already ended the transaction. */
    static void rollbackAndRelease(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("rollback of a branch failed (its transaction dies with the connection): {}", e.getMessage());
        }
        discard(connection);
    }

    static void discard(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing a branch connection failed: {}", e.getMessage());
        }
    }
}
