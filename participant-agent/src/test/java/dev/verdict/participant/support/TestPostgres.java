package dev.verdict.participant.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A real PostgreSQL server for one test shard, with durable settings (the embedded default is not durable) and
 * prepared transactions enabled. Its data directory and port survive {@link #restart()}, so prepared
 * transactions can be shown to survive a server restart.
 */
public final class TestPostgres implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private final int maxPreparedTransactions;
    private EmbeddedPostgres server;

    private TestPostgres(Path dataDirectory, int port, int maxPreparedTransactions) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.maxPreparedTransactions = maxPreparedTransactions;
    }

    public static TestPostgres start() {
        return start(64);
    }

    public static TestPostgres start(int maxPreparedTransactions) {
        try {
            TestPostgres pg = new TestPostgres(Files.createTempDirectory("verdict-pg"), freePort(), maxPreparedTransactions);
            pg.startServer();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startServer() throws IOException {
        server = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_prepared_transactions", Integer.toString(maxPreparedTransactions))
                .setServerConfig("max_connections", "60")
                .start();
    }

    /** Stops the server and starts it again on the same data directory and port. */
    public void restart() {
        stop();
        startAgain();
    }

    /** Stops the server (fast shutdown); {@link #startAgain()} brings it back on the same data and port. */
    public void stop() {
        try {
            server.close();
            server = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void startAgain() {
        try {
            startServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return server.getJdbcUrl("postgres", "postgres");
    }

    public DataSource dataSource() {
        return server.getPostgresDatabase();
    }

    public JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource());
    }

    public List<String> preparedGids() {
        return jdbc().queryForList(
                "SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY gid", String.class);
    }

    /**
     * Rolls back whatever a failed test left prepared, so its locks cannot block the next test's setup. Call it
     * after the test's own assertions (it would hide a leftover, not find one).
     */
    public void rollbackLeftoverPrepared() {
        for (String gid : preparedGids()) {
            jdbc().execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
        }
    }

    public void createAccounts(String... idsAndBalances) {
        JdbcTemplate jdbc = jdbc();
        jdbc.execute("CREATE TABLE IF NOT EXISTS accounts (id text PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0))");
        jdbc.execute("TRUNCATE accounts");
        for (int i = 0; i < idsAndBalances.length; i += 2) {
            jdbc.update("INSERT INTO accounts (id, balance) VALUES (?, ?)", idsAndBalances[i], Long.parseLong(idsAndBalances[i + 1]));
        }
    }

    public long balance(String id) {
        return jdbc().queryForObject("SELECT balance FROM accounts WHERE id = ?", Long.class, id);
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteRecursively(dataDirectory);
        }
    }

    private static void deleteRecursively(Path path) {
        for (int attempt = 0; attempt < 3 && Files.exists(path); attempt++) {
            try (Stream<Path> files = Files.walk(path)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file vanished while walking (the server's last writes): walk again
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
