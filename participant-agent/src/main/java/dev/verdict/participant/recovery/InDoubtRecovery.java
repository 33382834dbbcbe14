package dev.verdict.participant.recovery;

import dev.verdict.participant.branch.BranchException;
import dev.verdict.participant.branch.ParticipantIdentity;
import dev.verdict.participant.branch.PreparedTransactions;
import dev.verdict.participant.branch.TwoPhaseParticipant;
import dev.verdict.participant.coordinator.CoordinatorProblemException;
import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves this participant's prepared branches by asking the coordinator for each decision: the way a branch
 * that voted YES learns its outcome after a lost phase-2 message, an agent restart or a database restart.
 *
 * <ul>
 * <li>COMMITTED: COMMIT PREPARED. ABORTED: ROLLBACK PREPARED.</li>
 * <li>ACTIVE or PREPARING: not decided yet; left in doubt, asked again next round.</li>
 * <li>404 TRANSACTION_NOT_FOUND: presumed abort, ROLLBACK PREPARED. Safe because the coordinator keeps every
 * decision until all participants acknowledged phase 2, and this branch has not acknowledged: a transaction the
 * coordinator does not know was never decided COMMIT. (A deferred begin not logged yet is not "unknown": the
 * status read logs its ABORT first and answers ABORTED, so its commit can never follow.)</li>
 * <li>Coordinator unreachable or any other answer: left in doubt. Recovery never guesses COMMIT (nor ABORT).</li>
 * </ul>
 */
public final class InDoubtRecovery {

    private static final Logger log = LoggerFactory.getLogger(InDoubtRecovery.class);

    /** What one round did. */
    public record Round(int committed, int rolledBack, int leftInDoubt) {
    }

    private final ParticipantIdentity identity;
    private final PreparedTransactions prepared;
    private final CoordinatorApi coordinator;
    private final TwoPhaseParticipant twoPhase;
    private final Clock clock;
    private final Duration inDoubtAfter;

    /**
     * @param inDoubtAfter how long a branch prepared by this agent's life waits for phase 2 before a periodic
     *        round asks: asking about a deferred transaction whose commit is still on its way would abort it
     */
    public InDoubtRecovery(ParticipantIdentity identity, PreparedTransactions prepared, CoordinatorApi coordinator,
            TwoPhaseParticipant twoPhase, Clock clock, Duration inDoubtAfter) {
        this.identity = identity;
        this.prepared = prepared;
        this.coordinator = coordinator;
        this.twoPhase = twoPhase;
        this.clock = clock;
        this.inDoubtAfter = inDoubtAfter;
    }

    /**
     * One periodic round: this participant's branches prepared more than in-doubt-after ago, each resolved as far
     * as the coordinator allows. A younger one is most likely a commit on its way: its phase 2 comes on its own.
     */
    public Round recover() {
        Instant preparedBefore = clock.instant().minus(inDoubtAfter);
        return resolve(inDoubt().stream().filter(branch -> branch.preparedAt().isBefore(preparedBefore)).toList());
    }

    /** This participant's prepared branches in {@code pg_prepared_xacts}; none when the database cannot be read. */
    public List<PreparedTransactions.Prepared> inDoubt() {
        try {
            return prepared.list(identity.clusterId(), identity.participantId());
        } catch (SQLException e) {
            log.warn("recovery cannot read pg_prepared_xacts: {}", e.getMessage());
            return List.of();
        }
    }

    /** Asks the coordinator for the decision of each branch and applies the ones it knows. */
    public Round resolve(List<PreparedTransactions.Prepared> inDoubt) {
        int committed = 0;
        int rolledBack = 0;
        int left = 0;
        for (PreparedTransactions.Prepared branch : inDoubt) {
            switch (resolve(branch.gid().txId())) {
                case COMMITTED -> committed++;
                case ROLLED_BACK -> rolledBack++;
                case LEFT -> left++;
            }
        }
        if (!inDoubt.isEmpty()) {
            log.info("recovery of {}: {} committed, {} rolled back, {} still in doubt",
                    identity.participantId(), committed, rolledBack, left);
        }
        return new Round(committed, rolledBack, left);
    }

    private enum Result { COMMITTED, ROLLED_BACK, LEFT }

    private Result resolve(long txId) {
        try {
            TransactionStatus status = coordinator.status(txId);
            long index = status.decisionIndex() == null ? 0 : status.decisionIndex();
            return switch (status.state()) {
                case COMMITTED -> {
                    twoPhase.commit(txId, index);
                    yield Result.COMMITTED;
                }
                case ABORTED -> {
                    twoPhase.rollbackDecided(txId, index);
                    yield Result.ROLLED_BACK;
                }
                case ACTIVE, PREPARING -> Result.LEFT;
            };
        } catch (CoordinatorProblemException e) {
            if (e.is(ErrorCode.TRANSACTION_NOT_FOUND)) {
                log.info("coordinator does not know transaction {}: presumed abort", txId);
                twoPhase.rollbackDecided(txId, 0);
                return Result.ROLLED_BACK;
            }
            log.warn("recovery of transaction {} left in doubt: {}", txId, e.getMessage());
        } catch (CoordinatorUnavailableException e) {
            log.warn("recovery of transaction {} left in doubt: {}", txId, e.getMessage());
        } catch (BranchException e) {
            log.warn("recovery of transaction {} left in doubt: {}", txId, e.getMessage());
        }
        return Result.LEFT;
    }
}
