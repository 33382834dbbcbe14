package dev.verdict.participant.branch;

import dev.verdict.participant.coordinator.CoordinatorProblemException;
import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.DeclarationSeal;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.Enlisted;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a branch: makes sure the coordinator has this participant in the transaction first (so a transaction
 * that is no longer active gets no work done), then takes a connection out of the pool and starts the local
 * transaction that the branch keeps open.
 *
 * <p>Making sure costs an enlist call, unless the request brought the coordinator's seal on the participants
 * declared at begin and the seal names this participant at its endpoint ({@link DeclarationSeal}): then the
 * Begin entry already enlisted it, and the seal's deadline is the transaction's. A seal that does not check out
 * is not an error; the branch enlists as if there were none.
 */
final class BranchOpener {

    private static final Logger log = LoggerFactory.getLogger(BranchOpener.class);

    private final CoordinatorApi coordinator;
    private final DataSource dataSource;
    private final ParticipantIdentity identity;
    private final Supplier<String> endpoint;
    private final Duration branchTimeout;
    private final String setLockTimeout;
    /** Null when this agent has no declaration key: every branch enlists. */
    private final DeclarationSeal declarationSeal;
    private final Clock clock;

    BranchOpener(CoordinatorApi coordinator, DataSource dataSource, ParticipantIdentity identity,
            Supplier<String> endpoint, Duration branchTimeout, Duration lockTimeout, DeclarationSeal declarationSeal,
            Clock clock) {
        this.coordinator = coordinator;
        this.dataSource = dataSource;
        this.identity = identity;
        this.endpoint = endpoint;
        this.branchTimeout = branchTimeout;
        this.setLockTimeout = "SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'";
        this.declarationSeal = declarationSeal;
        this.clock = clock;
    }

    BranchPhase.Active open(long txId, String declaration) {
        ParticipantAddress self = new ParticipantAddress(identity.participantId(), endpoint.get());
        Instant deadline = declared(txId, declaration, self).orElseGet(() -> enlist(txId, self));
        try {
            Connection connection = dataSource.getConnection();
            try {
                connection.setAutoCommit(false);
                // LOCAL: the setting ends with the branch's transaction, the pooled connection keeps its default.
                // Prepared, with the same text every time: the driver soon keeps it as a named server-side statement.
                try (PreparedStatement statement = connection.prepareStatement(setLockTimeout)) {
                    statement.execute();
                }
                return new BranchPhase.Active(connection, deadline);
            } catch (SQLException | RuntimeException e) {
                BranchConnections.discard(connection);
                throw e;
            }
        } catch (SQLException e) {
            // enlisted but no branch: PREPARE will find nothing and vote NO, so the transaction aborts safely
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "cannot open a branch for transaction " + txId + ": " + e.getMessage(), e);
        }
    }

    /** The transaction's deadline, if the declaration is the coordinator's seal naming this participant. */
    private Optional<Instant> declared(long txId, String declaration, ParticipantAddress self) {
        if (declarationSeal == null || declaration == null) {
            return Optional.empty();
        }
        Optional<Instant> deadline = declarationSeal.verify(declaration, txId, self, clock.instant());
        if (deadline.isEmpty()) {
            log.debug("the declaration of transaction {} does not name {} at {} (or is expired); enlisting",
                    txId, self.participantId(), self.endpoint());
        }
        return deadline;
    }

    private Instant enlist(long txId, ParticipantAddress self) {
        Enlisted enlisted;
        try {
            enlisted = coordinator.enlist(txId, self);
        } catch (CoordinatorProblemException e) {
            ErrorCode code = e.code().orElse(ErrorCode.TRANSACTION_NOT_ACTIVE);
            if (code.status() >= 500) {
                throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                        "coordinator could not enlist this participant in transaction " + txId + ": " + e.getMessage(), e);
            }
            throw new BranchException(code, "transaction " + txId + " refused the enlist: " + e.getMessage(), e);
        } catch (CoordinatorUnavailableException e) {
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE,
                    "no coordinator reachable to enlist in transaction " + txId, e);
        }
        if (enlisted.state() != TxState.ACTIVE) {
            throw new BranchException(ErrorCode.TRANSACTION_NOT_ACTIVE,
                    "transaction " + txId + " is " + enlisted.state());
        }
        log.debug("enlisted {} in transaction {} until {}", identity.participantId(), txId, enlisted.deadline());
        return enlisted.deadline() != null ? enlisted.deadline() : clock.instant().plus(branchTimeout);
    }
}
