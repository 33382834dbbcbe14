package dev.verdict.participant.client;

import dev.verdict.participant.context.CurrentTransaction;
import dev.verdict.participant.coordinator.CoordinatorProblemException;
import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.AbortRequest;
import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import dev.verdict.protocol.coordinator.CommitRequest;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Begins, commits and aborts global transactions on the coordinator cluster (any node; the next one on a
 * connection failure or 503). {@link #execute} is the template most apps want: begin, run the work with the
 * transaction current (so RestClient calls carry {@code Verdict-Tx}), commit on success, abort on exception.
 *
 * <p>A commit whose answer is lost is never guessed: the client asks for the commit again while no node can
 * serve it, reads the linearizable status once the transaction is frozen, and throws
 * {@link OutcomeUnknownException} if the decision is not there within outcome-poll-timeout.
 */
public final class GlobalTransactions {

    private static final Duration POLL_PAUSE = Duration.ofMillis(200);
    /** Between commits no node could serve: short, as an election on the coordinators takes well under a second. */
    private static final Duration COMMIT_RETRY_PAUSE = Duration.ofMillis(50);

    private final CoordinatorApi coordinator;
    private final Duration defaultTimeout;
    private final Duration outcomePollTimeout;
    private final Clock clock;
    private final boolean deferBegins;
    /** Null unless ids are leased: then deferred begins are minted here, without a call. */
    private final LeasedIds leasedIds;

    public GlobalTransactions(CoordinatorApi coordinator, Duration defaultTimeout, Duration outcomePollTimeout, Clock clock) {
        this(coordinator, defaultTimeout, outcomePollTimeout, clock, false);
    }

    /**
     * @param deferBegins whether a begin that declares its participants asks to be deferred: no log write at
     *        begin, the Begin logged with the commit or abort (the coordinators decide whether to grant it)
     */
    public GlobalTransactions(CoordinatorApi coordinator, Duration defaultTimeout, Duration outcomePollTimeout, Clock clock,
            boolean deferBegins) {
        this(coordinator, defaultTimeout, outcomePollTimeout, clock, deferBegins, false);
    }

    /**
     * @param leaseIds with {@code deferBegins}: whether this client mints the ids of its deferred begins itself,
     *        from blocks the coordinators lease it, so such a begin makes no call at all (docs/protocol.md, "Id
     *        leases"); until a lease is in, and whenever none can serve, begins ask a coordinator as before
     */
    public GlobalTransactions(CoordinatorApi coordinator, Duration defaultTimeout, Duration outcomePollTimeout, Clock clock,
            boolean deferBegins, boolean leaseIds) {
        this.coordinator = coordinator;
        this.defaultTimeout = defaultTimeout;
        this.outcomePollTimeout = outcomePollTimeout;
        this.clock = clock;
        this.deferBegins = deferBegins;
        this.leasedIds = deferBegins && leaseIds
                ? new LeasedIds(coordinator, clock, Thread.ofVirtual().name("verdict-id-lease")::start)
                : null;
    }

    public GlobalTransaction begin() {
        return begin(defaultTimeout);
    }

    /** Begins a transaction; the Idempotency-Key makes the retry on another node begin it only once. */
    public GlobalTransaction begin(Duration timeout) {
        return begin(timeout, List.of());
    }

    /**
     * Begins a transaction with the participants the work is going to call already enlisted, so their agents'
     * enlists cost no log write, and none at all when the coordinators seal the declaration (a declaration key):
     * the seal travels with {@code Verdict-Tx} and the agents open their branches without asking. Every
     * participant declared must then be called (and open its branch): one that was not votes NO and the
     * transaction aborts. Participants not declared still join by enlisting.
     *
     * <p>With deferred begins on ({@code verdict.client.defer-begins}), such a begin asks to be deferred: it is
     * answered without a log write, and {@link #commit(GlobalTransaction, List)} and
     * {@link #abort(GlobalTransaction)} bring the Begin to the log. No Idempotency-Key then: a deferred begin
     * whose answer is lost leaves nothing behind, so asking again on another node is safe. Participants not
     * declared cannot join a deferred transaction.
     */
    public GlobalTransaction begin(Duration timeout, List<ParticipantAddress> participants) {
        boolean deferring = deferBegins && !participants.isEmpty();
        if (deferring && leasedIds != null && timeout.toMillis() <= BeginTransactionRequest.MAX_DEFERRED_TIMEOUT_MS) {
            Optional<GlobalTransaction> leased = leasedIds.begin(timeout, participants);
            if (leased.isPresent()) {
                return leased.get();
            }
        }
        TransactionBegun begun = coordinator.begin(
                new BeginTransactionRequest(timeout.toMillis(), participants, deferring ? Boolean.TRUE : null),
                deferring ? null : UUID.randomUUID().toString());
        return new GlobalTransaction(begun.txId(), begun.deadline(), begun.declaration(), participants,
                begun.deferred());
    }

    /**
     * Asks the coordinator to commit: the answer is its logged decision, COMMITTED or ABORTED (with a reason).
     *
     * <p>When no node can serve the commit (a leader just died, say), the commit itself is asked again, not just
     * the status: the StartCommit that freezes the transaction may have died with the old leader, and then only
     * another commit (idempotent: a repeat of a frozen or decided transaction just reads its outcome) gets it
     * decided; a status poll would wait for the deadline's ABORT.
     */
    public TransactionOutcome commit(long txId) {
        return commit(txId, List.of());
    }

    /**
     * {@link #commit(long)} with the participants' signed votes collected from the calls marked
     * {@code Verdict-Prepare} ({@code CurrentTransaction.votes()}): the leader sends those participants no PREPARE.
     */
    public TransactionOutcome commit(long txId, List<String> votes) {
        return commit(txId, votes.isEmpty() ? null : new CommitRequest(votes));
    }

    /**
     * {@link #commit(long, List)} of a transaction this client began: a deferred one's commit carries its
     * declaration, with which the coordinator logs the Begin it never wrote.
     */
    public TransactionOutcome commit(GlobalTransaction tx, List<String> votes) {
        if (!tx.deferred()) {
            return commit(tx.txId(), votes);
        }
        return commit(tx.txId(), new CommitRequest(votes, tx.declared(), tx.declaration()));
    }

    private TransactionOutcome commit(long txId, CommitRequest request) {
        Instant giveUp = null;
        while (true) {
            RuntimeException unavailable;
            try {
                return coordinator.commit(txId, request);
            } catch (CoordinatorProblemException e) {
                if (e.is(ErrorCode.TRANSACTION_ALREADY_COMMITTED) || e.is(ErrorCode.TRANSACTION_ALREADY_ABORTED)
                        || e.is(ErrorCode.DECISION_PENDING)) {
                    // frozen already: the leader decides it, reading is enough (within the same time limit)
                    return awaitDecision(txId, e, giveUp != null ? giveUp : clock.instant().plus(outcomePollTimeout));
                }
                throw e;
            } catch (CoordinatorUnavailableException e) {
                unavailable = e;
            }
            giveUp = giveUp != null ? giveUp : clock.instant().plus(outcomePollTimeout);
            if (!clock.instant().isBefore(giveUp)) {
                throw outcomeUnknown(txId, unavailable);
            }
            pause(COMMIT_RETRY_PAUSE, txId);
        }
    }

    /** Asks the coordinator to abort; a transaction already committed stays committed (the answer says so). */
    public TransactionOutcome abort(long txId) {
        return abort(txId, null);
    }

    /** {@link #abort(long)} of a transaction this client began: a deferred one's abort names its participants. */
    public TransactionOutcome abort(GlobalTransaction tx) {
        return abort(tx.txId(), tx.deferred() ? new AbortRequest(tx.declared(), tx.declaration()) : null);
    }

    private TransactionOutcome abort(long txId, AbortRequest request) {
        try {
            return coordinator.abort(txId, request);
        } catch (CoordinatorProblemException e) {
            if (e.is(ErrorCode.TRANSACTION_ALREADY_COMMITTED) || e.is(ErrorCode.TRANSACTION_ALREADY_ABORTED)) {
                return awaitDecision(txId, e, clock.instant().plus(outcomePollTimeout));
            }
            throw e;
        }
    }

    /** The transaction's status, read linearizably from the decision log. */
    public TransactionStatus status(long txId) {
        return coordinator.status(txId);
    }

    public TransactionOutcome execute(TransactionWork work) {
        return execute(defaultTimeout, work);
    }

    /**
     * Begins a transaction, runs {@code work} with it current, and commits; returns the decision (which may be
     * ABORTED, e.g. when a participant voted NO). If the work throws, the transaction is aborted and the
     * exception rethrown (a checked one wrapped in {@link TransactionWorkException}).
     */
    public TransactionOutcome execute(Duration timeout, TransactionWork work) {
        return execute(timeout, List.of(), work);
    }

    /**
     * {@link #execute(Duration, TransactionWork)} with the participants the work calls declared at begin (see
     * {@link #begin(Duration, List)}): the same outcome, one log write less per participant.
     */
    public TransactionOutcome execute(Duration timeout, List<ParticipantAddress> participants, TransactionWork work) {
        GlobalTransaction tx = begin(timeout, participants);
        List<String> votes;
        try (CurrentTransaction.Scope scope = CurrentTransaction.enter(tx.txId(), tx.declaration())) {
            work.run(tx);
            votes = CurrentTransaction.votes();
        } catch (Exception | Error failure) {
            try {
                abort(tx);
            } catch (RuntimeException abortFailure) {
                failure.addSuppressed(abortFailure); // the coordinator's timeout aborts it anyway
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            throw new TransactionWorkException(tx.txId(), (Exception) failure);
        }
        return commit(tx, votes);
    }

    private TransactionOutcome awaitDecision(long txId, RuntimeException why, Instant giveUp) {
        RuntimeException last = why;
        while (true) {
            try {
                TransactionStatus status = coordinator.status(txId);
                if (status.state().isDecided()) {
                    return new TransactionOutcome(txId, status.state(), status.reason());
                }
            } catch (CoordinatorUnavailableException | CoordinatorProblemException e) {
                last = e;
            }
            if (!clock.instant().isBefore(giveUp)) {
                throw outcomeUnknown(txId, last);
            }
            pause(POLL_PAUSE, txId);
        }
    }

    private static OutcomeUnknownException outcomeUnknown(long txId, RuntimeException last) {
        return new OutcomeUnknownException(txId, "outcome of transaction " + txId
                + " is not known yet; read its status later", last);
    }

    private static void pause(Duration pause, long txId) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutcomeUnknownException(txId, "interrupted while waiting for the outcome of " + txId, e);
        }
    }

    /** Whether {@code outcome} is a commit: a convenience for callers of {@link #execute}. */
    public static boolean committed(TransactionOutcome outcome) {
        return outcome.state() == TxState.COMMITTED;
    }
}
