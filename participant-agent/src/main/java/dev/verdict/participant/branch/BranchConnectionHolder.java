package dev.verdict.participant.branch;

import java.sql.Connection;
import org.springframework.jdbc.datasource.ConnectionHolder;

/**
 * Binds a branch's pinned connection to Spring's transaction synchronization while the app's work runs, so
 * JdbcTemplate, JdbcClient and Spring Data JDBC use it unchanged. Marked transaction-active so that an
 * app's {@code @Transactional} (REQUIRED) joins the branch instead of committing it locally; the holder never
 * closes the connection (DataSourceUtils only "releases" a bound holder).
 */
final class BranchConnectionHolder extends ConnectionHolder {

    BranchConnectionHolder(Connection connection) {
        super(connection);
        setTransactionActive(true);
    }
}
