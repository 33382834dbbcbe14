package dev.verdict.participant.branch;

import dev.verdict.participant.context.CurrentTransaction;
import dev.verdict.protocol.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs app work in the branch of a global transaction. The first work for a txId opens the branch (enlist, or
 * the coordinator's seal on the declared participants, then a pinned connection); later work joins it, one call at a time. While the work runs the branch's connection is
 * bound to Spring's transaction synchronization for the app's DataSource; afterwards it is unbound and stays
 * open in its local transaction.
 *
 * <p>When the work throws (or an exception resolver reported a failure), the branch's local transaction is
 * rolled back at once: PostgreSQL would refuse to continue it after a failed statement anyway, and a branch
 * that will vote NO should not hold its row locks until the coordinator gets round to the abort. Later work for
 * that txId is refused and PREPARE votes NO.
 */
public final class BranchWorkRunner {

    private static final Logger log = LoggerFactory.getLogger(BranchWorkRunner.class);
    private static final ThreadLocal<Branch> CURRENT = new ThreadLocal<>();

    /** Work to run in a branch. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Throwable;
    }

    private final DataSource dataSource;
    private final ParticipantIdentity identity;
    private final BranchRegistry registry;
    private final EndedTransactions ended;
    private final BranchOpener opener;
    private final Duration branchTimeout;
    private final Clock clock;

    BranchWorkRunner(DataSource dataSource, ParticipantIdentity identity, BranchRegistry registry,
            EndedTransactions ended, BranchOpener opener, Duration branchTimeout, Clock clock) {
        this.dataSource = dataSource;
        this.identity = identity;
        this.registry = registry;
        this.ended = ended;
        this.opener = opener;
        this.branchTimeout = branchTimeout;
        this.clock = clock;
    }

    /** The txId whose branch the current thread works in, if any. */
    public static OptionalLong currentBranchTxId() {
        Branch branch = CURRENT.get();
        return branch == null ? OptionalLong.empty() : OptionalLong.of(branch.txId());
    }

    /**
     * Marks the current branch failed without an exception reaching the runner, e.g. when an MVC exception
     * handler turned the work's exception into an error response. The branch is rolled back when the work returns.
     */
    public static void markCurrentFailed(Throwable failure) {
        Branch branch = CURRENT.get();
        if (branch != null) {
            branch.failure(describe(failure));
        }
    }

    public <T> T run(long txId, Work<T> work) throws Throwable {
        return run(txId, null, work);
    }

    /**
     * Runs {@code work} in txId's branch; {@code declaration} is the coordinator's seal on the participants
     * declared at begin (or null), which spares the enlist when this branch is the first work for txId.
     */
    public <T> T run(long txId, String declaration, Work<T> work) throws Throwable {
        Branch current = CURRENT.get();
        if (current != null) {
            if (current.txId() == txId) {
                // nested work (e.g. a @BranchWork method inside a request): already in the branch
                try {
                    return work.run();
                } catch (Throwable t) {
                    current.failure(describe(t)); // even if an outer caller swallows it, the branch is suspect
                    throw t;
                }
            }
            throw new BranchException(ErrorCode.VALIDATION_FAILED,
                    "already working for transaction " + current.txId() + ", cannot work for " + txId + " too");
        }
        if (TransactionSynchronizationManager.hasResource(dataSource)) {
            // a local Spring transaction is already open on this thread: its work would not be in the branch
            throw new IllegalStateException("branch work for transaction " + txId
                    + " cannot start inside a local transaction of the same DataSource (e.g. an outer @Transactional)");
        }
        Branch branch = acquire(txId, declaration);
        BranchPhase.Active active = (BranchPhase.Active) branch.phase();
        try (CurrentTransaction.Scope scope = CurrentTransaction.enter(txId, declaration)) {
            TransactionSynchronizationManager.bindResource(dataSource, new BranchConnectionHolder(active.connection()));
            CURRENT.set(branch);
            try {
                return work.run();
            } catch (Throwable t) {
                branch.failure(describe(t));
                throw t;
            } finally {
                CURRENT.remove();
                TransactionSynchronizationManager.unbindResource(dataSource);
                if (branch.failure() != null) {
                    fail(branch, active);
                }
            }
        } finally {
            branch.unlock();
        }
    }

    private void fail(Branch branch, BranchPhase.Active active) {
        log.info("branch {} failed, rolled back, will vote NO: {}", branch.gid(), branch.failure());
        BranchConnections.rollbackAndRelease(active.connection());
        branch.phase(new BranchPhase.Failed(branch.failure(), active.deadline()));
        ended.record(branch.txId(), EndedTransactions.Ending.ABORTED);
    }

    /** Returns the txId's branch, locked and active, opening it if this is the first work for txId. */
    private Branch acquire(long txId, String declaration) throws InterruptedException {
        while (true) {
            refuseIfEnded(txId);
            Branch branch = registry.get(txId);
            if (branch == null) {
                Branch fresh = new Branch(identity.gidOf(txId), clock.instant());
                fresh.lock();
                Branch existing = registry.putIfAbsent(fresh);
                if (existing == null) {
                    return open(fresh, declaration);
                }
                fresh.unlock();
                branch = existing;
            }
            Instant deadline = branch.deadline();
            Duration wait = deadline == null ? branchTimeout : Duration.between(clock.instant(), deadline);
            if (!branch.tryLock(wait)) {
                throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                        "branch of transaction " + txId + " stayed busy with other work until its deadline");
            }
            switch (branch.phase()) {
                case BranchPhase.Active active -> {
                    if (clock.instant().isAfter(active.deadline())) {
                        branch.unlock();
                        throw new BranchException(ErrorCode.TRANSACTION_NOT_ACTIVE,
                                "transaction " + txId + " passed its deadline " + active.deadline());
                    }
                    return branch;
                }
                case BranchPhase.Failed failed -> {
                    branch.unlock();
                    throw new BranchException(ErrorCode.TRANSACTION_NOT_ACTIVE,
                            "branch of transaction " + txId + " failed and was rolled back: " + failed.reason());
                }
                case BranchPhase.Opening opening -> branch.unlock(); // its opener gave up: try again
                case BranchPhase.Ended e -> branch.unlock(); // ended meanwhile: look again
            }
        }
    }

    private Branch open(Branch fresh, String declaration) {
        try {
            fresh.phase(opener.open(fresh.txId(), declaration));
            log.debug("opened branch {}", fresh.gid());
            return fresh;
        } catch (RuntimeException e) {
            fresh.phase(new BranchPhase.Ended());
            registry.remove(fresh);
            fresh.unlock();
            throw e;
        }
    }

    private void refuseIfEnded(long txId) {
        ended.get(txId).ifPresent(ending -> {
            throw new BranchException(ErrorCode.TRANSACTION_NOT_ACTIVE,
                    "the branch of transaction " + txId + " has already ended here (" + ending + ")");
        });
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
