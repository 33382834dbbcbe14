package dev.verdict.bank.bench;

import java.util.List;

/** The benchmark's modes. */
final class Modes {

    static final String LOCAL = "local";
    static final String RAW_2PC = "raw-2pc";
    static final String RAFT_WRITE = "raft-write";
    static final String VERDICT = "verdict";
    static final String VERDICT_GATEWAY = "verdict-gateway";
    static final String FAILOVER = "failover";

    static final List<String> MEASURED = List.of(LOCAL, RAW_2PC, RAFT_WRITE, VERDICT, VERDICT_GATEWAY);
    static final List<String> ALL = List.of(LOCAL, RAW_2PC, RAFT_WRITE, VERDICT, VERDICT_GATEWAY, FAILOVER);
    static final List<String> DEFAULT = List.of(LOCAL, RAW_2PC, RAFT_WRITE, VERDICT, FAILOVER);

    private Modes() {
    }
}
