package dev.verdict.bank.demo;

/** A process of the demo that can be killed and restarted: a JVM ({@link ManagedProcess}) or a {@link ShardDatabase}. */
public interface Controllable {

    String name();

    String kind();

    boolean running();

    /** Ends it at once: SIGKILL (destroyForcibly) for a JVM, a crash of the postmaster and its backends for PostgreSQL. */
    void kill();

    /** Starts it again with the same ports and data; a running one is killed first. Returns once it is started. */
    void restart();

    /** Graceful stop; a no-op when it is not running. */
    void stop();

    /** Its current state (may ask its health endpoint). */
    ProcessInfo info();
}
