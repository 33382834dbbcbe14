package dev.verdict.participant.branch;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls back open branches past their deadline and gives their connections back: the coordinator aborts the
 * transaction at the same deadline, so the work can never commit, and its row locks must not outlive it.
 * A branch busy with app work is left for the next round (the work's statements are bounded by lock_timeout).
 */
public final class BranchReaper {

    private static final Logger log = LoggerFactory.getLogger(BranchReaper.class);

    private final BranchRegistry registry;
    private final Clock clock;

    BranchReaper(BranchRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** One round; returns how many branches it rolled back. */
    public int reap() {
        Instant now = clock.instant();
        int reaped = 0;
        for (Branch branch : registry.all()) {
            Instant deadline = branch.deadline();
            if (deadline == null || !now.isAfter(deadline) || !branch.tryLock()) {
                continue;
            }
            try {
                if (branch.phase() instanceof BranchPhase.Active active) {
                    BranchConnections.rollbackAndRelease(active.connection());
                    log.info("rolled back branch {}: past its deadline {}", branch.gid(), deadline);
                    reaped++;
                }
                if (!(branch.phase() instanceof BranchPhase.Ended)) {
                    registry.end(branch, EndedTransactions.Ending.ABORTED);
                }
            } finally {
                branch.unlock();
            }
        }
        return reaped;
    }

    /** At shutdown: roll back every open branch so no connection leaks; unprepared work dies with the agent anyway. */
    public void rollbackAll() {
        for (Branch branch : registry.all()) {
            if (!branch.tryLock()) {
                continue;
            }
            try {
                if (branch.phase() instanceof BranchPhase.Active active) {
                    BranchConnections.rollbackAndRelease(active.connection());
                }
                branch.phase(new BranchPhase.Ended());
                registry.remove(branch);
            } finally {
                branch.unlock();
            }
        }
    }
}
