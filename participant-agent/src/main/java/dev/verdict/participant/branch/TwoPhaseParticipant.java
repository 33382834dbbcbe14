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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant's side of two-phase commit. Every operation is idempotent and decides by what PostgreSQL's
 * pg_prepared_xacts says first, the agent's memory second, so duplicated, reordered and delayed messages, and
 * restarts of the agent, change no outcome.
 */
public final class TwoPhaseParticipant {

    private static final Logger log = LoggerFactory.getLogger(TwoPhaseParticipant.class);

    private final ParticipantIdentity identity;
    private final BranchRegistry registry;
    private final EndedTransactions ended;
    private final PreparedTransactions prepared;
    private final CoordinatorApi coordinator;
    private final Duration busyWait;

    TwoPhaseParticipant(ParticipantIdentity identity, BranchRegistry registry, EndedTransactions ended,
            PreparedTransactions prepared, CoordinatorApi coordinator, Duration busyWait) {
        this.identity = identity;
        this.registry = registry;
        this.ended = ended;
        this.prepared = prepared;
        this.coordinator = coordinator;
        this.busyWait = busyWait;
    }

    public ParticipantIdentity identity() {
        return identity;
    }

    // ---------------------------------------------------------------- phase 1

    public PrepareResponse prepare(long txId) {
        GlobalTransactionId gid = identity.gidOf(txId);
        Branch branch = registry.get(txId);
        if (branch != null) {
            Optional<PrepareResponse> vote = prepareHeld(branch);
            if (vote.isPresent()) {
                return vote.get();
            }
        }
        return prepareNotHeld(gid);
    }

    /** Votes on a branch in memory; empty when it ended before we got its lock. */
    private Optional<PrepareResponse> prepareHeld(Branch branch) {
        if (!lock(branch)) {
            // the app is still working in it: the client asked to commit too early. NO is always safe.
            ended.record(branch.txId(), EndedTransactions.Ending.ABORTED);
            return Optional.of(PrepareResponse.no("branch still busy with the app's work"));
        }
        try {
            return switch (branch.phase()) {
                case BranchPhase.Active active -> Optional.of(prepareActive(branch, active));
                case BranchPhase.Failed failed -> {
                    end(branch, EndedTransactions.Ending.ABORTED);
                    yield Optional.of(PrepareResponse.no("branch failed: " + failed.reason()));
                }
                case BranchPhase.Opening opening -> Optional.empty();
                case BranchPhase.Ended e -> Optional.empty();
            };
        } finally {
            branch.unlock();
        }
    }

    private PrepareResponse prepareActive(Branch branch, BranchPhase.Active active) {
        Connection connection = active.connection();
        if (ended.get(branch.txId()).filter(EndedTransactions.Ending.ABORTED::equals).isPresent()) {
            // an abort arrived while the branch was busy: never prepare what was seen aborted
            BranchConnections.rollbackAndRelease(connection);
            end(branch, EndedTransactions.Ending.ABORTED);
            return PrepareResponse.no("transaction " + branch.txId() + " was aborted");
        }
        try {
            if (!wroteAnything(connection)) {
                BranchConnections.rollbackAndRelease(connection);
                end(branch, EndedTransactions.Ending.READ_ONLY);
                log.debug("branch {} wrote nothing: READ_ONLY", branch.gid());
                return PrepareResponse.readOnly();
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("PREPARE TRANSACTION " + PreparedTransactions.literal(branch.gid()));
            }
            // PostgreSQL answers PREPARE in an already failed transaction with a rollback, not an error: check.
            connection.setAutoCommit(true);
            boolean isPrepared = PreparedTransactions.isPrepared(connection, branch.gid());
            BranchConnections.discard(connection);
            if (!isPrepared) {
                end(branch, EndedTransactions.Ending.ABORTED);
                return PrepareResponse.no("PostgreSQL rolled the branch back instead of preparing it");
            }
            end(branch, EndedTransactions.Ending.PREPARED);
            log.info("prepared {}: YES", branch.gid());
            return PrepareResponse.yes();
        } catch (SQLException e) {
            // possibly prepared after all (lost reply): the NO makes the decision ABORT, whose ROLLBACK PREPARED
            // (or recovery) removes it
            log.warn("PREPARE of {} failed, voting NO: {}", branch.gid(), e.getMessage());
            BranchConnections.rollbackAndRelease(connection);
            end(branch, EndedTransactions.Ending.ABORTED);
            return PrepareResponse.no("PREPARE TRANSACTION failed: " + e.getMessage());
        }
    }

    private static boolean wroteAnything(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private PrepareResponse prepareNotHeld(GlobalTransactionId gid) {
        if (isPrepared(gid)) {
            return PrepareResponse.yes(); // duplicate PREPARE
        }
        Optional<EndedTransactions.Ending> ending = ended.get(gid.txId());
        if (ending.isPresent()) {
            return switch (ending.get()) {
                case READ_ONLY -> PrepareResponse.readOnly(); // duplicate PREPARE of a read-only branch
                case COMMITTED -> PrepareResponse.yes(); // late duplicate: it was YES, and is committed
                case ABORTED, PREPARED -> PrepareResponse.no("branch of transaction " + gid.txId() + " was rolled back");
            };
        }
        // never opened here, or lost with its connection (agent or database restart): its work is gone
        ended.record(gid.txId(), EndedTransactions.Ending.ABORTED);
        return PrepareResponse.no("this participant holds no branch for transaction " + gid.txId());
    }

    // ---------------------------------------------------------------- phase 2

    /** COMMIT PREPARED. Idempotent: a branch no longer prepared was resolved before (UNKNOWN, or COMMITTED if known). */
    public PhaseTwoResponse commit(long txId, long decisionIndex) {
        GlobalTransactionId gid = identity.gidOf(txId);
        Branch branch = registry.get(txId);
        if (branch != null && branch.phase() instanceof BranchPhase.Active) {
            throw new BranchException(ErrorCode.BRANCH_NOT_FOUND,
                    "branch of transaction " + txId + " is open and was never prepared; COMMIT needs a YES vote first");
        }
        try {
            if (prepared.commit(gid)) {
                ended.record(txId, EndedTransactions.Ending.COMMITTED);
                log.info("committed {} (decision index {})", gid, decisionIndex);
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
        GlobalTransactionId gid = identity.gidOf(txId);
        Optional<EndedTransactions.Ending> before = ended.get(txId);
        if (before.filter(EndedTransactions.Ending.COMMITTED::equals).isPresent()) {
            return response(txId, BranchOutcome.COMMITTED);
        }
        ended.record(txId, EndedTransactions.Ending.ABORTED);
        try {
            if (prepared.rollback(gid)) {
                log.info("rolled back {} (decision index {})", gid, decisionIndex);
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
        if (!lock(branch)) {
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "branch of transaction " + branch.txId() + " is busy with the app's work; retry the abort");
        }
        try {
            return switch (branch.phase()) {
                case BranchPhase.Active active -> {
                    BranchConnections.rollbackAndRelease(active.connection());
                    end(branch, EndedTransactions.Ending.ABORTED);
                    log.info("rolled back open branch {}", branch.gid());
                    yield Optional.of(BranchOutcome.ROLLED_BACK);
                }
                case BranchPhase.Failed failed -> {
                    end(branch, EndedTransactions.Ending.ABORTED);
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

    private boolean lock(Branch branch) {
        try {
            return branch.tryLock(busyWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends an in-memory branch (its lock held): it leaves the registry, its ending is remembered. */
    private void end(Branch branch, EndedTransactions.Ending ending) {
        branch.phase(new BranchPhase.Ended());
        registry.remove(branch);
        ended.record(branch.txId(), ending);
    }

    private PhaseTwoResponse response(long txId, BranchOutcome outcome) {
        return new PhaseTwoResponse(txId, identity.participantId(), outcome);
    }
}
