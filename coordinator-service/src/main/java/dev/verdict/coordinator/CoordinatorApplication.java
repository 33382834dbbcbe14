package dev.verdict.coordinator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** One coordinator node: a Raft replica of the decision log, the REST API, and (when leader) the 2PC driver. */
@SpringBootApplication
public class CoordinatorApplication {

    /**
     * The leak detector of the Netty that Ratis shades. At its default level it records the stack of one buffer
     * in every 128 it hands out, a Throwable each time: about one per three transfers on the leader, the last
     * steady-state throwable left (docs/benchmarks.md, session 10). It finds bugs in Ratis, not in a running
     * node, so a node runs without it unless the operator asks for a level (docs/operations.md).
     */
    static final String RATIS_NETTY_LEAK_DETECTION = "org.apache.ratis.thirdparty.io.netty.leakDetection.level";

    public static void main(String[] args) {
        if (System.getProperty(RATIS_NETTY_LEAK_DETECTION) == null) {
            System.setProperty(RATIS_NETTY_LEAK_DETECTION, "disabled");
        }
        SpringApplication.run(CoordinatorApplication.class, args);
    }
}
