package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.txn.DeferredBegin;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.coordinator.txn.Refusal;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.participant.SignedVote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What clients and participants ask of any coordinator node: begin, enlist, commit, abort, status. Writes are log
 * proposals (the log carries them to the leader); the prepare round, which only the leader may run, is started by
 * the leader's {@link TwoPhaseCommitDriver}: asked of the leader itself, at once and with nothing logged before
 * the decision; asked of a follower, when the StartCommit it proposes reaches the leader (see {@link PrepareAhead}).
 * The votes count only for the set enlisted when the decision is applied.
 */
public final class TransactionCoordinator {

    private final DecisionLog log;
    private final DecisionWaiter waiter;
    private final PrepareAhead prepareAhead;
    private final Scheduler scheduler;
    private final CoordinatorSettings settings;
    private final VoteCheck voteCheck;
    private final DeferredIds deferredIds;

    /** A coordinator that counts no vote carried with a commit (no declaration key). */
    public TransactionCoordinator(DecisionLog log, DecisionWaiter waiter, PrepareAhead prepareAhead,
            Scheduler scheduler, CoordinatorSettings settings) {
        this(log, waiter, prepareAhead, scheduler, settings, VoteCheck.NONE);
    }

    public TransactionCoordinator(DecisionLog log, DecisionWaiter waiter, PrepareAhead prepareAhead,
            Scheduler scheduler, CoordinatorSettings settings, VoteCheck voteCheck) {
        this.log = log;
        this.waiter = waiter;
        this.prepareAhead = prepareAhead;
        this.scheduler = scheduler;
        this.settings = settings;
        this.voteCheck = voteCheck;
        this.deferredIds = new DeferredIds(log, scheduler);
    }

    /** Begins a transaction; the participants declared are enlisted by the same log entry. */
    public CompletableFuture<TransactionView> begin(Long timeoutMs, String idempotencyKey, List<ParticipantAddress> participants) {
        long timeout = timeoutMs == null ? settings.defaultTimeoutMillis() : timeoutMs;
        return log.propose(new TxCommand.Begin(timeout, idempotencyKey, participants)).thenApply(result -> switch (result) {
            case TxResult.Applied(TransactionView view) -> view;
            case TxResult.Refused refused when refused.refusal() == Refusal.IDEMPOTENCY_CONFLICT ->
                    throw new CoordinatorException(ErrorCode.IDEMPOTENCY_KEY_CONFLICT,
                            "idempotency key already used for transaction " + refused.current().txId()
                                    + " with timeoutMs " + (refused.current().deadlineMillis()
                                    - refused.current().beganAtMillis()));
            default -> throw unexpected(result);
        });
    }

    /**
     * Whether a begin may be deferred (given a declaration key to seal it with, which the caller checks): it
     * declares participants for its commit or abort to bring back, nothing asks for the same transaction on a
     * retry (no Idempotency-Key: a deferred begin whose answer is lost leaves nothing behind), and its deadline
     * falls within the life of an id block.
     */
    public boolean canDefer(Long timeoutMs, String idempotencyKey, List<ParticipantAddress> participants) {
        long timeout = timeoutMs == null ? settings.defaultTimeoutMillis() : timeoutMs;
        return idempotencyKey == null && !participants.isEmpty()
                && timeout <= BeginTransactionRequest.MAX_DEFERRED_TIMEOUT_MS;
    }

    /**
     * A deferred begin: an id from this node's reserved block and a deadline, nothing logged. The Begin is logged
     * with the transaction's first StartCommit or decision ({@link #commit(long, List, DeferredBegin)},
     * {@link #abort(long, DeferredBegin)}); until then the table does not hold it, and a status read logs its
     * ABORT ({@link #status}). The caller checks that a deferred begin is allowed (docs/protocol.md).
     */
    public CompletableFuture<TransactionView> beginDeferred(Long timeoutMs, List<ParticipantAddress> participants) {
        long timeout = timeoutMs == null ? settings.defaultTimeoutMillis() : timeoutMs;
        return deferredIds.next().thenApply(txId -> {
            long now = scheduler.nowMillis();
            return notLoggedYet(txId, now, now + timeout, participants);
        });
    }

    /**
     * Reserves a block of ids for a client that mints its deferred begins itself (an id lease, docs/protocol.md):
     * the reservation this node makes for its own deferred begins ({@link DeferredIds}), handed over whole. The
     * table keeps the block live as long, so presumed abort stays safe for its ids whoever minted them.
     */
    public CompletableFuture<TxResult.Reserved> reserveLease() {
        return DeferredIds.reserveBlock(log);
    }

    /** A deferred transaction as its Begin will log it: ACTIVE, with the declared participants. */
    private static TransactionView notLoggedYet(long txId, long beganAtMillis, long deadlineMillis,
            List<ParticipantAddress> participants) {
        List<ParticipantView> declared = participants.stream()
                .map(p -> new ParticipantView(p.participantId(), p.endpoint(), null, false))
                .toList();
        return new TransactionView(txId, TxState.ACTIVE, beganAtMillis, deadlineMillis, declared, 0, 0, null);
    }

    /**
     * Enlists a participant. One the transaction already holds at this endpoint (declared at begin, or enlisted
     * before) is answered without a log write when this node's replica, or else a linearizable read, shows the
     * transaction ACTIVE before its deadline; anything else is an Enlist through the log, whose answer is the
     * state machine's.
     *
     * <p>Why answering from a replica is safe: a participant's place in a transaction only ever grows, and a
     * branch is committed only after a PREPARE sent to the participant set enlisted when the COMMIT is applied
     * (frozen by StartCommit, or by the COMMIT itself). If the replica
     * is behind and the transaction has in fact started committing or been decided, the branch the agent opens is
     * never prepared by that round: the agent votes NO or ends the branch at its deadline (rules 2 and 6).
     */
    public CompletableFuture<TransactionView> enlist(long txId, String participantId, String endpoint) {
        Optional<TransactionView> local = log.replica().read(table -> table.query(new TxQuery.Get(txId))).stream().findFirst();
        if (local.isPresent()) {
            return holds(local.get(), participantId, endpoint)
                    ? CompletableFuture.completedFuture(local.get())
                    : proposeEnlist(txId, participantId, endpoint);
        }
        // This replica has not applied the Begin yet (a follower a moment behind): the leader's state tells.
        return read(txId).thenCompose(current -> current.isPresent() && holds(current.get(), participantId, endpoint)
                ? CompletableFuture.completedFuture(current.get())
                : proposeEnlist(txId, participantId, endpoint));
    }

    private boolean holds(TransactionView view, String participantId, String endpoint) {
        return view.state() == TxState.ACTIVE
                && scheduler.nowMillis() <= view.deadlineMillis()
                && view.participants().stream()
                .anyMatch(p -> p.participantId().equals(participantId) && p.endpoint().equals(endpoint));
    }

    private CompletableFuture<TransactionView> proposeEnlist(long txId, String participantId, String endpoint) {
        return log.propose(new TxCommand.Enlist(txId, participantId, endpoint)).thenApply(result -> switch (result) {
            case TxResult.Applied(TransactionView view) -> view;
            case TxResult.Refused refused -> throw refusedError(txId, refused);
            default -> throw unexpected(result);
        });
    }

    /**
     * Asked of the leader, for a transaction it holds ACTIVE with participants and before its deadline (less the
     * prepare grace), the commit logs nothing before the decision: the leader sends PREPARE at once and the
     * COMMIT that follows the votes freezes the participant set itself (see {@link PrepareAhead#commitAtLeader}).
     * Otherwise it freezes the set through the log with a StartCommit, which carries the commit to the leader
     * (PREPARE may start there while it is logged); a commit past the deadline is turned into an ABORT decision
     * at once. Either way it then waits for the decision ({@link DecisionWaiter}).
     *
     * <p>DECISION_PENDING tells a client the commit is frozen in the log, so that reading the status is enough
     * from then on (docs/api.md). A leader's commit whose decision did not come in time (the leader was deposed
     * mid-round, say) has nothing in the log yet, so it is frozen through the log first, and answered only then:
     * DECISION_PENDING once the StartCommit applied, NO_QUORUM (ask again) if it could not be logged.
     */
    public CompletableFuture<TransactionView> commit(long txId) {
        return commit(txId, List.of());
    }

    /**
     * {@link #commit(long)} with the participants' signed votes the client carried: asked of the leader, a
     * participant whose vote checks out for this transaction at the endpoint it is enlisted at is not sent
     * PREPARE (its vote is the answer); a vote that does not check out is ignored. Asked of a follower, or frozen
     * through the log, every participant is sent PREPARE (idempotent: a prepared branch votes YES again).
     */
    public CompletableFuture<TransactionView> commit(long txId, List<String> votes) {
        Optional<TransactionView> active = activeWithTimeToPrepare(txId);
        if (active.isPresent() && prepareAhead.commitAtLeader(txId, checked(active.get(), votes))) {
            return waiter.awaitDecision(txId, commitWaitMillis(active.get()))
                    .exceptionallyCompose(failure -> isDecisionPending(failure)
                            ? freezeThroughTheLog(txId, false)
                            : CompletableFuture.failedFuture(failure));
        }
        return freezeThroughTheLog(txId, true);
    }

    /**
     * {@link #commit(long, List)} of a transaction whose begin was deferred: {@code begin} is its declaration,
     * checked by the caller. When this replica does not hold the transaction, the Begin goes with the commit:
     * with a carried vote that checks out from every participant, the whole commit is one entry, a COMMIT (or an
     * ABORT for a NO) that logs the Begin too, and needs no leader round; otherwise a StartCommit logs it and the
     * leader's round decides. Asked again after it was logged, the Begin is ignored and the answer is the same.
     */
    public CompletableFuture<TransactionView> commit(long txId, List<String> votes, DeferredBegin begin) {
        if (begin == null || held(txId).isPresent()) {
            return commit(txId, votes);
        }
        TransactionView declared = notLoggedYet(txId, 0, begin.deadlineMillis(), begin.participants());
        Map<String, Vote> carried = new LinkedHashMap<>();
        checked(declared, votes).forEach(vote -> carried.put(vote.participantId(), vote.vote()));
        if (carried.size() < begin.participants().size()) {
            return freezeThroughTheLog(txId, true, begin);
        }
        Optional<String> against = carried.entrySet().stream()
                .filter(vote -> !vote.getValue().allowsCommit())
                .map(vote -> "participant " + vote.getKey() + " voted NO")
                .findFirst();
        if (against.isPresent()) {
            return decide(new TxCommand.Decide(txId, Outcome.ABORT, carried, against.get(), Map.of(), begin));
        }
        Map<String, String> askedAt = new LinkedHashMap<>();
        begin.participants().forEach(p -> askedAt.put(p.participantId(), p.endpoint()));
        CompletableFuture<TransactionView> applied = log.replica().awaitDecision(txId);
        return sooner(applied, log.propose(new TxCommand.Decide(txId, Outcome.COMMIT, carried, null, askedAt, begin))
                .thenCompose(result -> switch (result) {
                    case TxResult.Applied(TransactionView view) -> CompletableFuture.completedFuture(view);
                    case TxResult.Refused refused when refused.refusal() == Refusal.DEADLINE_PASSED ->
                            decide(new TxCommand.Decide(txId, Outcome.ABORT, carried,
                                    "deadline passed before commit", Map.of(), begin));
                    case TxResult.Refused refused when refused.refusal() == Refusal.PARTICIPANTS_MISMATCH
                            || refused.refusal() == Refusal.COMMIT_NOT_STARTED ->
                            freezeThroughTheLog(txId, true, begin); // logged meanwhile in another shape: a round
                    case TxResult.Refused refused -> throw refusedError(txId, refused);
                    default -> throw unexpected(result);
                }));
    }

    /**
     * The decision as soon as this node's replica has applied it, or the proposal's own answer if that comes
     * first (a refusal, a failure). The proposal's answer comes back through the Raft client after the apply, a
     * hop later; a decision read from the replica is final, so either may answer the client.
     */
    private static CompletableFuture<TransactionView> sooner(CompletableFuture<TransactionView> applied,
            CompletableFuture<TransactionView> answered) {
        CompletableFuture<TransactionView> first = new CompletableFuture<>();
        applied.thenAccept(first::complete);
        answered.whenComplete((view, failure) -> {
            if (failure == null) {
                first.complete(view);
            } else {
                first.completeExceptionally(failure);
            }
        });
        first.whenComplete((view, failure) -> applied.cancel(false)); // stops the replica's wait
        return first;
    }

    private Optional<TransactionView> held(long txId) {
        return log.replica().read(table -> table.query(new TxQuery.Get(txId))).stream().findFirst();
    }

    private CompletableFuture<TransactionView> freezeThroughTheLog(long txId, boolean waitForTheDecision) {
        return freezeThroughTheLog(txId, waitForTheDecision, null);
    }

    private CompletableFuture<TransactionView> freezeThroughTheLog(long txId, boolean waitForTheDecision,
            DeferredBegin begin) {
        CompletableFuture<TxResult> started = log.propose(new TxCommand.StartCommit(txId, begin));
        prepareAhead.prepareAhead(txId);
        return started.thenCompose(result -> switch (result) {
            case TxResult.Applied(TransactionView view) when view.isDecided() -> CompletableFuture.completedFuture(view);
            case TxResult.Applied(TransactionView view) ->
                    waiter.awaitDecision(txId, waitForTheDecision ? commitWaitMillis(view) : 0);
            case TxResult.Refused refused when refused.refusal() == Refusal.DEADLINE_PASSED ->
                    decide(new TxCommand.Decide(txId, Outcome.ABORT, Map.of(), "deadline passed before commit",
                            Map.of(), begin));
            case TxResult.Refused refused -> throw refusedError(txId, refused);
            default -> throw unexpected(result);
        });
    }

    private List<CarriedVote> checked(TransactionView tx, List<String> tokens) {
        List<CarriedVote> votes = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            SignedVote.participantOf(token)
                    .flatMap(id -> tx.participants().stream().filter(p -> p.participantId().equals(id)).findFirst())
                    .flatMap(participant -> voteCheck.check(token, tx.txId(), participant)
                            .map(vote -> new CarriedVote(participant.participantId(), participant.endpoint(), vote)))
                    .ifPresent(votes::add);
        }
        return votes;
    }

    private static boolean isDecisionPending(Throwable failure) {
        Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null
                ? wrapped.getCause() : failure;
        return cause instanceof CoordinatorException e && e.code() == ErrorCode.DECISION_PENDING;
    }

    /**
     * The transaction as this replica holds it, if ACTIVE with participants and with the prepare grace still left
     * before its deadline: a commit with less time left is frozen through the log, where its round gets the grace
     * past the deadline (an ACTIVE transaction gets none).
     */
    private Optional<TransactionView> activeWithTimeToPrepare(long txId) {
        return log.replica().read(table -> table.query(new TxQuery.Get(txId))).stream()
                .filter(tx -> tx.state() == TxState.ACTIVE && !tx.participants().isEmpty())
                .filter(tx -> scheduler.nowMillis() + settings.prepareGraceMillis() <= tx.deadlineMillis())
                .findFirst();
    }

    public CompletableFuture<TransactionView> abort(long txId) {
        return abort(txId, null);
    }

    /** Aborts; {@code begin}, for a deferred begin, is logged with the ABORT so its participants hear it at once. */
    public CompletableFuture<TransactionView> abort(long txId, DeferredBegin begin) {
        return decide(new TxCommand.Decide(txId, Outcome.ABORT, Map.of(), "aborted by client", Map.of(), begin));
    }

    /**
     * The transaction as the log holds it, read linearizably. An id the log does not hold may be a deferred begin
     * not logged yet: its ABORT is logged first (the table takes it only for an id of a live reserved block), so
     * the answer is final, as every status answer is, and the deferred Begin can never be logged after it. Empty:
     * never begun, or finished and forgotten.
     */
    public CompletableFuture<Optional<TransactionView>> status(long txId) {
        return read(txId).thenCompose(held -> held.isPresent()
                ? CompletableFuture.completedFuture(held)
                : log.propose(new TxCommand.Decide(txId, Outcome.ABORT, Map.of(),
                        "presumed abort: asked about before its deferred begin was logged")).thenApply(result ->
                        switch (result) {
                            case TxResult.Applied(TransactionView view) -> Optional.of(view);
                            case TxResult.Refused refused -> Optional.ofNullable(refused.current());
                            default -> throw unexpected(result);
                        }));
    }

    private CompletableFuture<Optional<TransactionView>> read(long txId) {
        return log.query(new TxQuery.Get(txId)).thenApply(views -> views.stream().findFirst());
    }

    public CompletableFuture<List<TransactionView>> recent(int limit) {
        return log.query(new TxQuery.Recent(limit));
    }

    private CompletableFuture<TransactionView> decide(TxCommand.Decide decide) {
        long txId = decide.txId();
        return log.propose(decide).thenApply(result -> switch (result) {
            case TxResult.Applied(TransactionView view) -> view;
            case TxResult.Refused refused -> throw refusedError(txId, refused);
            default -> throw unexpected(result);
        });
    }

    private long commitWaitMillis(TransactionView view) {
        long untilDeadline = Math.max(0, view.deadlineMillis() - scheduler.nowMillis());
        return Math.min(settings.commitWaitMaxMillis(), untilDeadline + settings.prepareGraceMillis() + 1_000);
    }

    private static CoordinatorException refusedError(long txId, TxResult.Refused refused) {
        TransactionView current = refused.current();
        return switch (refused.refusal()) {
            case NOT_FOUND -> new CoordinatorException(ErrorCode.TRANSACTION_NOT_FOUND,
                    "transaction " + txId + " is unknown (never begun, or finished and forgotten)");
            case ALREADY_DECIDED -> current.state() == TxState.COMMITTED
                    ? new CoordinatorException(ErrorCode.TRANSACTION_ALREADY_COMMITTED,
                    "transaction " + txId + " is already committed")
                    : new CoordinatorException(ErrorCode.TRANSACTION_ALREADY_ABORTED,
                    "transaction " + txId + " is already aborted: " + current.reason());
            default -> new CoordinatorException(ErrorCode.TRANSACTION_NOT_ACTIVE,
                    "transaction " + txId + " is " + (current == null ? "not active" : current.state())
                            + " (" + refused.refusal() + ")");
        };
    }

    private static IllegalStateException unexpected(TxResult result) {
        return new IllegalStateException("unexpected result " + result);
    }
}
