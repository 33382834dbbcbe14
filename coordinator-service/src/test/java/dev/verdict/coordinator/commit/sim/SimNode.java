package dev.verdict.coordinator.commit.sim;

import dev.verdict.coordinator.commit.CoordinatorSettings;
import dev.verdict.coordinator.commit.DecisionWaiter;
import dev.verdict.coordinator.commit.DriverSettings;
import dev.verdict.coordinator.commit.ParticipantGateway;
import dev.verdict.coordinator.commit.Scheduler;
import dev.verdict.coordinator.commit.TransactionCoordinator;
import dev.verdict.coordinator.commit.TwoPhaseCommitDriver;
import dev.verdict.coordinator.commit.VoteCheck;
import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.log.LogStatus;
import dev.verdict.coordinator.log.NoQuorumException;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * One coordinator node of the simulation: its driver, waiter and client-facing service over the shared log. A
 * crash throws away everything in memory (pending tasks, in-flight rounds, waiters); a partitioned node keeps
 * running and may still believe it leads, but none of its log writes or reads get through.
 */
final class SimNode {

    final String id;
    private final EventLoop loop;
    private final Random random;
    private final SimLog log;
    private final ParticipantGateway network;
    private final DriverSettings driverSettings;
    /** Bumped on crash: tasks and events of an earlier incarnation are dropped. */
    private int incarnation;
    boolean up = true;
    boolean partitioned;
    TwoPhaseCommitDriver driver;
    TransactionCoordinator coordinator;

    SimNode(String id, EventLoop loop, Random random, SimLog log, ParticipantGateway network,
            DriverSettings driverSettings) {
        this.id = id;
        this.loop = loop;
        this.random = random;
        this.log = log;
        this.network = network;
        this.driverSettings = driverSettings;
        boot();
    }

    private void boot() {
        int myIncarnation = ++incarnation;
        Scheduler scheduler = new NodeScheduler(myIncarnation);
        NodeLog nodeLog = new NodeLog(myIncarnation);
        DecisionWaiter waiter = new DecisionWaiter(nodeLog, scheduler);
        driver = new TwoPhaseCommitDriver(nodeLog, network, scheduler, driverSettings);
        coordinator = new TransactionCoordinator(nodeLog, waiter, driver, scheduler,
                new CoordinatorSettings(2_000, 5_000, driverSettings.prepareGraceMillis()),
                VoteCheck.withKey(Simulation.DECLARATION_KEY));
        driver.start();
    }

    void crash() {
        up = false;
        incarnation++;
    }

    void restart() {
        up = true;
        partitioned = false;
        boot();
    }

    boolean alive(int forIncarnation) {
        return up && forIncarnation == incarnation;
    }

    void tellLeadership(boolean leading, long term) {
        if (up && !partitioned) {
            driver.onLeadershipChange(leading, term);
        }
    }

    private final class NodeScheduler implements Scheduler {
        private final int incarnation;

        NodeScheduler(int incarnation) {
            this.incarnation = incarnation;
        }

        @Override
        public void execute(Runnable task) {
            schedule(task, 0);
        }

        @Override
        public void schedule(Runnable task, long delayMillis) {
            loop.at(delayMillis, () -> {
                if (alive(incarnation)) {
                    task.run();
                }
            });
        }

        @Override
        public long nowMillis() {
            return loop.now();
        }
    }

    /** This node's handle on the shared log: writes may be lost before or after they apply, as over a network. */
    private final class NodeLog implements DecisionLog {
        private final int incarnation;

        NodeLog(int incarnation) {
            this.incarnation = incarnation;
        }

        @Override
        public CompletableFuture<TxResult> propose(TxCommand command) {
            CompletableFuture<TxResult> reply = new CompletableFuture<>();
            boolean cut = partitioned || !log.hasLeader();
            boolean loseBefore = cut || log.faulty && random.nextDouble() < 0.03;
            boolean loseAfter = log.faulty && random.nextDouble() < 0.03;
            loop.at(1 + random.nextInt(5), () -> {
                if (loseBefore || !alive(incarnation) && random.nextBoolean()) {
                    fail(reply);
                    return;
                }
                TxResult result = log.shared().appendNow(command);
                if (loseAfter) {
                    fail(reply);
                } else {
                    loop.at(1 + random.nextInt(3), () -> reply.complete(result));
                }
            });
            return reply;
        }

        private void fail(CompletableFuture<?> reply) {
            loop.at(200, () -> reply.completeExceptionally(new NoQuorumException("simulated: no quorum", null)));
        }

        @Override
        public CompletableFuture<List<TransactionView>> query(TxQuery query) {
            CompletableFuture<List<TransactionView>> reply = new CompletableFuture<>();
            if (partitioned || !log.hasLeader()) {
                fail(reply);
                return reply;
            }
            loop.at(1 + random.nextInt(3), () -> reply.complete(log.shared().replica().read(t -> t.query(query))));
            return reply;
        }

        @Override
        public LocalReplica replica() {
            return log.shared().replica();
        }

        /** A decision applied while this node is down or cut off does not reach it (as with its apply events). */
        @Override
        public CompletableFuture<TransactionView> awaitDecision(long txId) {
            CompletableFuture<TransactionView> heard = new CompletableFuture<>();
            CompletableFuture<TransactionView> applied = log.shared().replica().awaitDecision(txId);
            heard.whenComplete((view, failure) -> applied.cancel(false));
            applied.thenAccept(view -> {
                if (alive(incarnation) && !partitioned) {
                    heard.complete(view);
                }
            });
            return heard;
        }

        @Override
        public void addListener(LogListener listener) {
            log.shared().addListener(new LogListener() {
                @Override
                public void onApplied(TxCommand command, TxResult result, long index) {
                    if (alive(incarnation) && !partitioned) {
                        listener.onApplied(command, result, index);
                    }
                }
            });
        }

        @Override
        public LogStatus status() {
            return new LogStatus(id, true, log.leaderId(), log.term(), 0, 0, List.of());
        }

        @Override
        public void close() {
        }
    }
}
