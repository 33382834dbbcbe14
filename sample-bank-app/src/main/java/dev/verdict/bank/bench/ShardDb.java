package dev.verdict.bank.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** How to reach one shard's PostgreSQL database directly (the local and raw-2pc modes, and the checks). */
public record ShardDb(int shard, String jdbcUrl, String user, String password) {

    public Connection open() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }
}
