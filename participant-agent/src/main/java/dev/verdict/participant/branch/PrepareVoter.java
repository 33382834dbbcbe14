package dev.verdict.participant.branch;

import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.GlobalTransactionId;
import dev.verdict.protocol.participant.PrepareResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 1 on this participant: PREPARE TRANSACTION for an open branch, READ_ONLY for one that wrote nothing,
 * NO for a failed, aborted or unknown one, and for duplicates the answer the first PREPARE got (YES when the GID
 * is in pg_prepared_xacts). NO is always safe; YES only once PostgreSQL holds the branch durably.
 */
final class PrepareVoter {

    private static final Logger log = LoggerFactory.getLogger(PrepareVoter.class);
    private static final String WROTE_ANYTHING = "SELECT pg_current_xact_id_if_assigned() IS NOT NULL";

    private final ParticipantIdentity identity;
    private final BranchRegistry registry;
    private final EndedTransactions ended;
    private final PreparedTransactions prepared;
    private final Duration busyWait;

    PrepareVoter(ParticipantIdentity identity, BranchRegistry registry, EndedTransactions ended,
            PreparedTransactions prepared, Duration busyWait) {
        this.identity = identity;
        this.registry = registry;
        this.ended = ended;
        this.prepared = prepared;
        this.busyWait = busyWait;
    }

    PrepareResponse prepare(long txId) {
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
        if (!branch.lockWithin(busyWait)) {
            // the app is still working in it: the client asked to commit too early. NO is always safe.
            ended.record(branch.txId(), EndedTransactions.Ending.ABORTED);
            return Optional.of(PrepareResponse.no("branch still busy with the app's work"));
        }
        try {
            return switch (branch.phase()) {
                case BranchPhase.Active active -> Optional.of(prepareActive(branch, active));
                case BranchPhase.Failed failed -> {
                    registry.end(branch, EndedTransactions.Ending.ABORTED);
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
            registry.end(branch, EndedTransactions.Ending.ABORTED);
            return PrepareResponse.no("transaction " + branch.txId() + " was aborted");
        }
        try {
            if (!wroteAnything(connection)) {
                BranchConnections.rollbackAndRelease(connection);
                registry.end(branch, EndedTransactions.Ending.READ_ONLY);
                log.debug("branch {} wrote nothing: READ_ONLY", branch.gid());
                return PrepareResponse.readOnly();
            }
            // PostgreSQL answers PREPARE in an already failed transaction with a rollback, not an error. The query
            // above, in the same transaction, has just shown it is not failed (there it raises 25P02, and the branch
            // votes NO below); from a transaction that is not failed, PREPARE either prepares or raises. So a
            // PREPARE that returns has prepared, and pg_prepared_xacts need not be read again.
            try (Statement statement = connection.createStatement()) {
                statement.execute("PREPARE TRANSACTION " + PreparedTransactions.literal(branch.gid()));
            }
            connection.setAutoCommit(true);
            BranchConnections.discard(connection);
            registry.end(branch, EndedTransactions.Ending.PREPARED);
            log.debug("prepared {}: YES", branch.gid());
            return PrepareResponse.yes();
        } catch (SQLException e) {
            // possibly prepared after all (lost reply): the NO makes the decision ABORT, whose ROLLBACK PREPARED
            // (or recovery) removes it
            log.warn("PREPARE of {} failed, voting NO: {}", branch.gid(), e.getMessage());
            BranchConnections.rollbackAndRelease(connection);
            registry.end(branch, EndedTransactions.Ending.ABORTED);
            return PrepareResponse.no("the branch could not be prepared: " + e.getMessage());
        }
    }

    private static boolean wroteAnything(Connection connection) throws SQLException {
        // prepared (not a plain Statement), so that after a few branches on a pooled connection the driver makes it
        // a named server-side statement and PostgreSQL stops parsing and planning it for every branch
        try (PreparedStatement statement = connection.prepareStatement(WROTE_ANYTHING);
                ResultSet rs = statement.executeQuery()) {
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

    private boolean isPrepared(GlobalTransactionId gid) {
        try {
            return prepared.isPrepared(gid);
        } catch (SQLException e) {
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "cannot read pg_prepared_xacts: " + e.getMessage(), e);
        }
    }
}
