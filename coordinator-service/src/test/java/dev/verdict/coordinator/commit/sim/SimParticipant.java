package dev.verdict.coordinator.commit.sim;

import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.protocol.participant.PrepareResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A participant modelled on the real agent over PostgreSQL: an open branch dies with a crash, a prepared one is
 * durable, PREPARE of a branch it does not hold votes NO, and phase 2 is idempotent. It records every act that
 * would break atomic commitment as a violation instead of hiding it.
 */
final class SimParticipant {

    enum BranchState { ACTIVE, PREPARED, COMMITTED, ABORTED }

    /** {@code since}: when it entered its state (a PREPARED branch waits from then for phase 2). */
    private record Branch(BranchState state, long deadline, long since) {
        Branch(BranchState state, long deadline) {
            this(state, deadline, 0);
        }
    }

    final String id;
    private final Random random;
    private final EventLoop loop;
    private final double noVoteChance;
    private final Map<Long, Branch> branches = new HashMap<>();
    final List<String> violations = new ArrayList<>();
    boolean up = true;

    SimParticipant(String id, Random random, EventLoop loop, double noVoteChance) {
        this.id = id;
        this.random = random;
        this.loop = loop;
        this.noVoteChance = noVoteChance;
    }

    /** The app's work arrives: a branch opens (unless this txId was already ended here). */
    boolean openBranch(long txId, long deadline) {
        if (!up || branches.containsKey(txId)) {
            return up && branches.get(txId).state() == BranchState.ACTIVE;
        }
        branches.put(txId, new Branch(BranchState.ACTIVE, deadline));
        return true;
    }

    PrepareResponse prepare(long txId) {
        Branch branch = branches.get(txId);
        if (branch == null) {
            return PrepareResponse.no("no such branch");
        }
        return switch (branch.state()) {
            case PREPARED -> PrepareResponse.yes();
            case ACTIVE -> {
                if (loop.now() > branch.deadline() || random.nextDouble() < noVoteChance) {
                    branches.put(txId, new Branch(BranchState.ABORTED, branch.deadline()));
                    yield PrepareResponse.no("constraint violated");
                }
                branches.put(txId, new Branch(BranchState.PREPARED, branch.deadline(), loop.now()));
                yield PrepareResponse.yes();
            }
            case COMMITTED, ABORTED -> PrepareResponse.no("branch already ended");
        };
    }

    void decide(long txId, Outcome outcome, long decisionIndex) {
        Branch branch = branches.get(txId);
        BranchState current = branch == null ? null : branch.state();
        if (outcome == Outcome.COMMIT) {
            if (current != BranchState.PREPARED && current != BranchState.COMMITTED) {
                violations.add("COMMIT of tx " + txId + " at index " + decisionIndex + " on " + id
                        + " whose branch is " + current);
                return;
            }
            branches.put(txId, new Branch(BranchState.COMMITTED, 0));
        } else {
            if (current == BranchState.COMMITTED) {
                violations.add("ABORT of tx " + txId + " on " + id + " after it committed");
                return;
            }
            branches.put(txId, new Branch(BranchState.ABORTED, 0));
        }
    }

    /** Open branches die with the connection; prepared and ended ones are in PostgreSQL and survive. */
    void crash() {
        up = false;
        branches.entrySet().removeIf(e -> e.getValue().state() == BranchState.ACTIVE);
    }

    void restart() {
        up = true;
    }

    /** The agent's reaper: an unprepared branch past its deadline is rolled back. */
    void reap() {
        branches.replaceAll((txId, b) -> b.state() == BranchState.ACTIVE && loop.now() > b.deadline()
                ? new Branch(BranchState.ABORTED, b.deadline()) : b);
    }

    /** Branches prepared at or before {@code preparedBy}, still waiting for phase 2: what recovery asks about. */
    List<Long> inDoubtSince(long preparedBy) {
        return branches.entrySet().stream()
                .filter(e -> e.getValue().state() == BranchState.PREPARED && e.getValue().since() <= preparedBy)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    BranchState state(long txId) {
        Branch branch = branches.get(txId);
        return branch == null ? null : branch.state();
    }
}
