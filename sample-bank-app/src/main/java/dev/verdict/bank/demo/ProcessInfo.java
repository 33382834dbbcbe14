package dev.verdict.bank.demo;

/**
 * One process of the demo topology as the control API shows it.
 *
 * @param name   e.g. {@code coordinator-n1}, {@code agent-0}, {@code postgres-0}, {@code gateway}
 * @param kind   {@code coordinator}, {@code agent}, {@code postgres} or {@code gateway}
 * @param state  UP; STARTING (running, not healthy yet); UNHEALTHY (running, its health check fails, e.g. an agent
 *               whose database is down); STOPPED (killed or stopped on purpose); EXITED (ended by itself)
 * @param pid    the operating-system process id while it runs
 * @param url    its HTTP base URL (a JDBC URL for PostgreSQL)
 * @param nodeId the Raft node id of a coordinator
 * @param shard  the shard of an agent or a database
 * @param starts how many times it was started
 */
public record ProcessInfo(String name, String kind, State state, Long pid, String url, String nodeId, Integer shard,
        int starts) {

    public enum State { UP, STARTING, UNHEALTHY, STOPPED, EXITED }
}
