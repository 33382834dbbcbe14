package dev.verdict.bank.chaos.nemesis;

/** Every kind of fault the nemesis injects, and how. */
public enum FaultKind {
    KILL_LEADER("kill -9 the coordinator leader, restart it after the hold time"),
    KILL_FOLLOWER("kill -9 a coordinator follower, restart it after the hold time"),
    KILL_AGENT("kill -9 a shard agent, restart it after the hold time"),
    POSTGRES_IMMEDIATE_STOP("stop a shard's PostgreSQL in immediate mode (no checkpoint: crash recovery on start), start it after the hold time"),
    PARTITION_ISOLATE_LEADER("cut every link of the coordinator leader (to the other coordinators and to the agents), both ways"),
    PARTITION_SPLIT("split the coordinators 2|1 (a random minority node) with every agent on a random side; cut every link across"),
    PARTITION_CUT_AGENT("cut every link between one shard agent and all coordinators, both ways"),
    PAUSE_COORDINATOR("SIGSTOP a coordinator (the leader or a random node), SIGCONT after the hold time"),
    LINK_DELAY("delay every chunk on a random half of the links (and at least one) by a fixed time"),
    LINK_DUPLICATE("duplicate the client-to-server streams of a random half of the links (every request arrives twice)");

    private final String description;

    FaultKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
