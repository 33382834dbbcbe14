package dev.verdict.participant.startup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at startup that the DataSource is a PostgreSQL database able to prepare transactions. A database
 * that cannot be reached now is only logged (it may come up later; recovery retries), but one that answers
 * max_prepared_transactions = 0 stops the start: every PREPARE would fail and every transaction abort.
 */
public final class DatabaseCheck {

    private static final Logger log = LoggerFactory.getLogger(DatabaseCheck.class);

    private DatabaseCheck() {
    }

    public static void verify(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            if (!"PostgreSQL".equals(product)) {
                throw new IllegalStateException("the Verdict participant needs a PostgreSQL DataSource, not " + product);
            }
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(
                            "SELECT current_setting('max_prepared_transactions')::int, current_database()")) {
                rs.next();
                if (rs.getInt(1) == 0) {
                    throw new PreparedTransactionsDisabledException(rs.getString(2) + " (" + connection.getMetaData().getURL() + ")");
                }
            }
        } catch (SQLException e) {
            log.warn("cannot check the participant's database now: {}", e.getMessage());
        }
    }
}
