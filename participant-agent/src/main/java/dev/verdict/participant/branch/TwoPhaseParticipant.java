package dev.verdict.participant.branch;

import dev.verdict.participant.coordinator.CoordinatorProblemException;
import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.GlobalTransactionId;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.TransactionStatus;
import dev.verdict.protocol.participant.BranchOutcome;
import dev.verdict.protocol.participant.PhaseTwoResponse;
import dev.verdict.protocol.participant.PrepareResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant's side of two-phase commit: the vote (delegated to {@link PrepareVoter}) and phase 2. Every
 * operation is idempotent and decides by what PostgreSQL's pg_prepared_xacts says first, the agent's memory
 * second, so duplicated, reordered and delayed messages, and restarts of the agent, change no outcome.
 */
public final class TwoPhaseParticipant {

    private static final Logger log = LoggerFactory.getLogger(TwoPhaseParticipant.class);

    private final ParticipantIdentity identity;
    private final BranchRegistry registry;
    private final EndedTransactions ended;
    private final PreparedTransactions prepared;
    private final CoordinatorApi coordinator;
    private final PrepareVoter voter;
    private final Duration busyWait;
    /**
     * Phase 2 of one txId runs one at a time on this agent (recovery and the coordinator's retry may meet):
     * the second then finds the GID resolved instead of PostgreSQL's "prepared transaction is busy".
     * Striped ReentrantLocks rather than monitors, so virtual threads do not pin their carrier during JDBC calls.
     */
    private final ReentrantLock[] phaseTwoStripes = new ReentrantLock[64];

    TwoPhaseParticipant(ParticipantIdentity identity, BranchRegistry registry, EndedTransactions ended,
            PreparedTransactions prepared, CoordinatorApi coordinator, PrepareVoter voter, Duration busyWait) {
        this.identity = identity;
        this.registry = registry;
        this.ended = ended;
        this.prepared = prepared;
        this.coordinator = coordinator;
        this.voter = voter;
        this.busyWait = busyWait;
        for (int i = 0; i < phaseTwoStripes.length; i++) {
            phaseTwoStripes[i] = new ReentrantLock();
        }
    }

    private <T> T oneAtATime(long txId, Supplier<T> phaseTwo) {
        ReentrantLock stripe = phaseTwoStripes[Long.hashCode(txId) & (phaseTwoStripes.length - 1)];
        stripe.lock();
        try {
            return phaseTwo.get();
        } finally {
            stripe.unlock();
        }
    }

    public ParticipantIdentity identity() {
        return identity;
    }

    /** PREPARE: the vote. See {@link PrepareVoter}. */
    public PrepareResponse prepare(long txId) {
        return voter.prepare(txId);
    }

    /** COMMIT PREPARED. Idempotent: a branch no longer prepared was resolved before (UNKNOWN, or COMMITTED if known). */
    public PhaseTwoResponse commit(long txId, long decisionIndex) {
        return oneAtATime(txId, () -> commitPrepared(txId, decisionIndex));
    }

    private PhaseTwoResponse commitPrepared(long txId, long decisionIndex) {
        GlobalTransactionId gid = identity.gidOf(txId);
        Branch branch = registry.get(txId);
        if (branch != null && branch.phase() instanceof BranchPhase.Active) {
            throw new BranchException(ErrorCode.BRANCH_NOT_FOUND,
                    "branch of transaction " + txId + " is open and was never prepared; COMMIT needs a YES vote first");
        }
        try {
            if (prepared.commit(gid)) {
                ended.record(txId, EndedTransactions.Ending.COMMITTED);
                log.debug("committed {} (decision index {})", gid, decisionIndex);
                return response(txId, BranchOutcome.COMMITTED);
            }
        } catch (SQLException e) {
            // the commit may or may not have happened: in doubt, the coordinator retries; never read as aborted
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "COMMIT PREPARED of " + gid + " did not complete, retry: " + e.getMessage(), e);
        }
        boolean knownCommitted = ended.get(txId).filter(EndedTransactions.Ending.COMMITTED::equals).isPresent();
        return response(txId, knownCommitted ? BranchOutcome.COMMITTED : BranchOutcome.UNKNOWN);
    }

    /**
     * ROLLBACK PREPARED, or a local rollback of an open branch. Idempotent, and never undoes a commit. A prepared
     * branch is only rolled back on a logged decision: with decision index 0 (no logged decision) the agent
     * first asks the coordinator, because a participant that voted YES never aborts on its own.
     */
    public PhaseTwoResponse abort(long txId, long decisionIndex) {
        if (ended.get(txId).filter(EndedTransactions.Ending.COMMITTED::equals).isPresent()) {
            return response(txId, BranchOutcome.COMMITTED);
        }
        Branch branch = registry.get(txId);
        if (branch != null) {
            ended.record(txId, EndedTransactions.Ending.ABORTED); // first, so a concurrent or late PREPARE votes NO
            Optional<BranchOutcome> outcome = abortHeld(branch);
            if (outcome.isPresent()) {
                return response(txId, outcome.get());
            }
        }
        GlobalTransactionId gid = identity.gidOf(txId);
        if (isPrepared(gid) && decisionIndex == 0) {
            requireLoggedAbort(txId);
        }
        return rollbackDecided(txId, decisionIndex);
    }

    /** ROLLBACK PREPARED for a transaction known to be aborted (logged decision, or presumed abort). */
    public PhaseTwoResponse rollbackDecided(long txId, long decisionIndex) {
        return oneAtATime(txId, () -> rollbackPrepared(txId, decisionIndex));
    }

    private PhaseTwoResponse rollbackPrepared(long txId, long decisionIndex) {
        GlobalTransactionId gid = identity.gidOf(txId);
        Optional<EndedTransactions.Ending> before = ended.get(txId);
        if (before.filter(EndedTransactions.Ending.COMMITTED::equals).isPresent()) {
            return response(txId, BranchOutcome.COMMITTED);
        }
        ended.record(txId, EndedTransactions.Ending.ABORTED);
        try {
            if (prepared.rollback(gid)) {
                log.debug("rolled back {} (decision index {})", gid, decisionIndex);
                return response(txId, BranchOutcome.ROLLED_BACK);
            }
        } catch (SQLException e) {
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "ROLLBACK PREPARED of " + gid + " did not complete, retry: " + e.getMessage(), e);
        }
        boolean knownRolledBack = before.filter(EndedTransactions.Ending.ABORTED::equals).isPresent();
        return response(txId, knownRolledBack ? BranchOutcome.ROLLED_BACK : BranchOutcome.UNKNOWN);
    }

    private Optional<BranchOutcome> abortHeld(Branch branch) {
        if (!branch.lockWithin(busyWait)) {
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "branch of transaction " + branch.txId() + " is busy with the app's work; retry the abort");
        }
        try {
            return switch (branch.phase()) {
                case BranchPhase.Active active -> {
                    BranchConnections.rollbackAndRelease(active.connection());
                    registry.end(branch, EndedTransactions.Ending.ABORTED);
                    log.debug("rolled back open branch {}", branch.gid());
                    yield Optional.of(BranchOutcome.ROLLED_BACK);
                }
                case BranchPhase.Failed failed -> {
                    registry.end(branch, EndedTransactions.Ending.ABORTED);
                    yield Optional.of(BranchOutcome.ROLLED_BACK);
                }
                case BranchPhase.Opening opening -> Optional.empty();
                case BranchPhase.Ended e -> Optional.empty();
            };
        } finally {
            branch.unlock();
        }
    }

    private void requireLoggedAbort(long txId) {
        TransactionStatus status;
        try {
            status = coordinator.status(txId);
        } catch (CoordinatorProblemException e) {
            if (e.is(ErrorCode.TRANSACTION_NOT_FOUND)) {
                return; // presumed abort: the coordinator keeps every decision until all participants acknowledged
            }
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "cannot confirm the abort of prepared transaction " + txId + ": " + e.getMessage(), e);
        } catch (CoordinatorUnavailableException e) {
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "cannot confirm the abort of prepared transaction " + txId + ": no coordinator reachable", e);
        }
        if (status.state() == TxState.COMMITTED) {
            throw new BranchException(ErrorCode.TRANSACTION_ALREADY_COMMITTED,
                    "transaction " + txId + " is committed; its prepared branch is not rolled back");
        }
        if (status.state() != TxState.ABORTED) {
            throw new BranchException(ErrorCode.BRANCH_IN_DOUBT,
                    "branch of transaction " + txId + " is prepared and the coordinator has not decided (" + status.state() + ")");
        }
    }

    private boolean isPrepared(GlobalTransactionId gid) {
        try {
            return prepared.isPrepared(gid);
        } catch (SQLException e) {
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "cannot read pg_prepared_xacts: " + e.getMessage(), e);
        }
    }

    private PhaseTwoResponse response(long txId, BranchOutcome outcome) {
        return new PhaseTwoResponse(txId, identity.participantId(), outcome);
    }
}
