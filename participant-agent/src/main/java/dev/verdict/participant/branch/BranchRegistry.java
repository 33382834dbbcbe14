package dev.verdict.participant.branch;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The open branches of this agent, by txId. Prepared branches are not here: PostgreSQL holds them. */
final class BranchRegistry {

    private final ConcurrentMap<Long, Branch> branches = new ConcurrentHashMap<>();
    private final EndedTransactions ended;

    BranchRegistry(EndedTransactions ended) {
        this.ended = ended;
    }

    Branch get(long txId) {
        return branches.get(txId);
    }

    /** Adds {@code branch} unless one is there already; returns the one that was there, or null. */
    Branch putIfAbsent(Branch branch) {
        return branches.putIfAbsent(branch.txId(), branch);
    }

    void remove(Branch branch) {
        branches.remove(branch.txId(), branch);
    }

    /** Ends a branch (its lock held): stale from now on, out of the registry, its ending remembered. */
    void end(Branch branch, EndedTransactions.Ending ending) {
        branch.phase(new BranchPhase.Ended());
        remove(branch);
        ended.record(branch.txId(), ending);
    }

    List<Branch> all() {
        return List.copyOf(branches.values());
    }
}
