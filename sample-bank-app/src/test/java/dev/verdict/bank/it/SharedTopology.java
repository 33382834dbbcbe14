package dev.verdict.bank.it;

import dev.verdict.bank.demo.Controllable;
import dev.verdict.bank.demo.DemoTopology;
import dev.verdict.bank.demo.ManagedProcess;
import dev.verdict.bank.demo.TopologySpec;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One demo topology (3 coordinator JVMs, 2 embedded PostgreSQL shards, 2 agent JVMs, the gateway JVM) shared by
 * every integration test of the run: started by the first test that asks for it, stopped when the run ends
 * (JUnit closes the root store). A failing test prints the end of every process's log. Tests that kill a
 * process restart it before they end, so the next test finds everything up.
 */
public final class SharedTopology implements ParameterResolver, TestWatcher {

    /** Small on purpose: 20 accounts make transfers meet on the same rows. */
    public static final int ACCOUNTS = 20;
    public static final long INITIAL_BALANCE = 10_000;

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedTopology.class);

    private record Running(DemoTopology topology) implements AutoCloseable {
        @Override
        public void close() {
            topology.close();
        }
    }

    static DemoTopology topology(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent("topology", key -> new Running(DemoTopology.start(
                TopologySpec.builder()
                        .coordinators(3)
                        .shards(2)
                        .accounts(ACCOUNTS)
                        .initialBalance(INITIAL_BALANCE)
                        .shardProperty("verdict.participant.lock-timeout", "2s")
                        .build())), Running.class).topology();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == DemoTopology.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return topology(context);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Running running = context.getRoot().getStore(NAMESPACE).get("topology", Running.class);
        if (running == null) {
            return;
        }
        for (Controllable process : running.topology().processes()) {
            if (process instanceof ManagedProcess jvm) {
                System.out.println("==== end of " + jvm.logFile());
                System.out.println(jvm.logTail(80));
            }
        }
    }
}
