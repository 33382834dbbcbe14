package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.FailureCause;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.txn.BranchRef;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.coordinator.txn.TransactionTable;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.participant.PrepareResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-only two-phase commit driver.
 *
 * <p>It is level-triggered, like a controller: it reacts to what the replicated table says, not to who asked.
 * A transaction in PREPARING gets a prepare round; a decided transaction with unacknowledged participants gets
 * phase-2 deliveries; an ACTIVE transaction past its deadline gets an ABORT decision. The same rule that drives
 * the normal path recovers everything a previous leader left half done, so failover needs no separate code.
 *
 * <p>Every decision goes through the log before any participant hears it (rule 1): deliveries start only from a
 * decision that this node has applied. All state here lives on the {@link Scheduler}'s single thread; callbacks
 * from an earlier leadership epoch are dropped, so a deposed leader never acts on stale votes.
 */
public final class TwoPhaseCommitDriver implements LogListener, PrepareAhead, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TwoPhaseCommitDriver.class);
    /** Transactions forgotten by one log entry at most. */
    private static final int FORGET_BATCH = 1_000;

    private final DecisionLog decisionLog;
    private final ParticipantGateway participants;
    private final Scheduler scheduler;
    private final DriverSettings settings;

    private boolean leader;
    /** {@link #leader}, for threads other than the scheduler's (a commit asked of this node). */
    private volatile boolean leading;
    private boolean closed;
    /** Bumped on every leadership change; work started in an older epoch is abandoned. */
    private long epoch;
    private final Set<Long> preparing = new HashSet<>();
    /**
     * Prepare calls sent before any StartCommit was applied: decided on as soon as their votes are in, or adopted
     * by the round a StartCommit starts if that comes first and the set still matches.
     */
    private final Map<Long, EarlyRound> earlyRounds = new HashMap<>();
    private final Set<Long> aborting = new HashSet<>();
    private final Set<BranchRef> delivering = new HashSet<>();
    private final Map<BranchRef, Integer> deliveryAttempts = new HashMap<>();
    private final List<BranchRef> pendingAcks = new ArrayList<>();
    private boolean ackFlushScheduled;
    private boolean forgetting;

    public TwoPhaseCommitDriver(DecisionLog decisionLog, ParticipantGateway participants, Scheduler scheduler,
            DriverSettings settings) {
        this.decisionLog = decisionLog;
        this.participants = participants;
        this.scheduler = scheduler;
        this.settings = settings;
    }

    /** Registers with the log; from now on leadership and applied commands drive this instance. */
    public void start() {
        decisionLog.addListener(this);
        if (decisionLog.status().isLeader()) {
            onLeadershipChange(true, decisionLog.status().term());
        }
    }

    @Override
    public void close() {
        scheduler.execute(() -> {
            closed = true;
            stepDown();
        });
    }

    // ---- log events (log threads): hop onto the driver's thread -------------------------------------------

    @Override
    public void onLeadershipChange(boolean isLeader, long term) {
        scheduler.execute(() -> {
            if (closed) {
                return;
            }
            if (isLeader) {
                becomeLeader(term);
            } else {
                stepDown();
            }
        });
    }

    @Override
    public void onApplied(TxCommand command, TxResult result, long index) {
        if (!(result instanceof TxResult.Applied(TransactionView view))) {
            return;
        }
        switch (command) {
            case TxCommand.StartCommit start when view.state() == TxState.PREPARING ->
                    scheduler.execute(() -> runPrepareRound(view));
            case TxCommand.Decide decide -> scheduler.execute(() -> deliver(view));
            default -> {
            }
        }
    }

    /** A commit asked of any node: PREPARE may start while its StartCommit is logged (see {@link #prepareAhead}). */
    @Override
    public void onProposalAtLeader(TxCommand command) {
        if (command instanceof TxCommand.StartCommit start) {
            prepareAhead(start.txId());
        }
    }

    // ---- leadership ----------------------------------------------------------------------------------------

    private void becomeLeader(long term) {
        if (leader) {
            return;
        }
        leader = true;
        leading = true;
        long myEpoch = ++epoch;
        log.info("Leader of term {}: recovering unfinished transactions", term);
        // A linearizable read first: once it returns, this replica has applied everything committed before, so
        // the scan below sees every transaction an earlier leader left undecided or unacknowledged.
        decisionLog.query(new TxQuery.Recent(0)).whenCompleteAsync((ignored, failure) -> {
            if (failure != null) {
                log.warn("Recovery barrier failed; the next tick retries", failure);
            }
            if (myEpoch == epoch) {
                tick(myEpoch);
            }
        }, scheduler);
    }

    private void stepDown() {
        if (leader) {
            log.info("No longer leader: abandoning in-flight 2PC work to the next leader");
        }
        leader = false;
        leading = false;
        epoch++;
        preparing.clear();
        earlyRounds.clear();
        aborting.clear();
        delivering.clear();
        deliveryAttempts.clear();
        pendingAcks.clear();
        ackFlushScheduled = false;
        forgetting = false;
    }

    /** The periodic sweep: everything the table says is undone, and nobody is doing, gets done. */
    private void tick(long tickEpoch) {
        if (!leader || tickEpoch != epoch) {
            return;
        }
        long now = scheduler.nowMillis();
        long forgetDecidedBefore = now - settings.forgetAfterMillis();
        List<TransactionView> undone = decisionLog.replica().read(TransactionTable::unfinished);
        List<Long> forgettable = decisionLog.replica().read(t -> t.forgettable(forgetDecidedBefore, FORGET_BATCH));
        Set<Long> active = new HashSet<>();
        for (TransactionView tx : undone) {
            switch (tx.state()) {
                case ACTIVE -> {
                    active.add(tx.txId());
                    if (now > tx.deadlineMillis()) {
                        abortForTimeout(tx);
                    }
                }
                case PREPARING -> {
                    if (!preparing.contains(tx.txId())) {
                        runPrepareRound(tx);
                    } else if (now > tx.deadlineMillis() + settings.prepareGraceMillis()) {
                        abortForTimeout(tx);
                    }
                }
                case COMMITTED, ABORTED -> deliver(tx);
            }
        }
        // An early round whose StartCommit never froze the transaction (refused, lost with a leader) is dropped.
        earlyRounds.keySet().removeIf(txId -> !active.contains(txId));
        forget(forgettable);
        scheduler.schedule(() -> tick(tickEpoch), settings.tickMillis());
    }

    // ---- phase 1 -------------------------------------------------------------------------------------------

    /**
     * Sends PREPARE to the participants enlisted now, before StartCommit is applied, and decides as soon as the
     * votes are in. Safe because the votes decide nothing unless the participant set they were asked of is still
     * the one enlisted when the decision is applied: the COMMIT names where each vote was asked and the table
     * refuses it if an enlist changed the set (then the round runs again for the set StartCommit froze); and a YES
     * vote for a transaction that ends up aborted is resolved by the ABORT every enlisted participant receives.
     */
    @Override
    public void prepareAhead(long txId) {
        scheduler.execute(() -> {
            if (leader && !roundUnderWay(txId)) {
                activeWithParticipants(txId).ifPresent(tx ->
                        startEarlyRound(tx, List.of(), SetFreeze.START_COMMIT_PENDING));
            }
        });
    }

    /**
     * A commit asked of this node while it leads: PREPARE goes out at once and only the decision is logged, one
     * log write on the commit's path where a StartCommit before it made two. Nothing in the log says the commit
     * was asked until the decision; if this leader dies first, the client's commit asked again (the starter asks
     * again when its call fails) or the deadline decides, as for a transaction whose commit was never asked.
     * When no round can start here (the transaction moved on, leadership was lost meanwhile), the StartCommit is
     * logged instead, as a follower would. A participant whose checked vote came with the commit, still enlisted
     * at the endpoint it signed for, is not sent PREPARE: its vote is the answer.
     */
    @Override
    public boolean commitAtLeader(long txId, List<CarriedVote> votes) {
        if (!leading) {
            return false;
        }
        scheduler.execute(() -> {
            if (roundUnderWay(txId)) {
                return;
            }
            Optional<TransactionView> tx = leader ? activeWithParticipants(txId) : Optional.empty();
            if (tx.isPresent()) {
                startEarlyRound(tx.get(), votes, SetFreeze.NOTHING_LOGGED);
            } else {
                logStartCommit(txId);
            }
        });
        return true;
    }

    private boolean roundUnderWay(long txId) {
        return preparing.contains(txId) || earlyRounds.containsKey(txId);
    }

    private Optional<TransactionView> activeWithParticipants(long txId) {
        return decisionLog.replica().read(t -> t.query(new TxQuery.Get(txId))).stream()
                .filter(tx -> tx.state() == TxState.ACTIVE && !tx.participants().isEmpty())
                .findFirst();
    }

    private void startEarlyRound(TransactionView tx, List<CarriedVote> carried, SetFreeze freeze) {
        EarlyRound round = new EarlyRound(epoch, endpoints(tx), sendPrepares(tx, carried), freeze);
        earlyRounds.put(tx.txId(), round);
        whenAllAnswered(round.calls()).thenRunAsync(() -> decideEarly(tx.txId(), round), scheduler);
    }

    /** Freezes the set through the log; its application starts the round ({@link #onApplied}). */
    private void logStartCommit(long txId) {
        decisionLog.propose(new TxCommand.StartCommit(txId)).whenComplete((result, failure) -> {
            if (failure != null) {
                log.debug("StartCommit of tx {} not logged; the client asks again or the deadline decides", txId,
                        failure);
            }
        });
    }

    /** The early round's votes are in before StartCommit was applied (else the round adopted them): decide now. */
    private void decideEarly(long txId, EarlyRound round) {
        if (round.epoch() != epoch || earlyRounds.get(txId) != round || !preparing.add(txId)) {
            return;
        }
        earlyRounds.remove(txId);
        decideAfterVotes(txId, round.endpoints(), round.calls(), round.freeze());
    }

    private void runPrepareRound(TransactionView tx) {
        if (!leader || !preparing.add(tx.txId())) {
            return;
        }
        long roundEpoch = epoch;
        EarlyRound early = earlyRounds.remove(tx.txId());
        Map<String, String> endpoints = endpoints(tx);
        Map<String, CompletableFuture<PrepareResponse>> calls =
                early != null && early.epoch() == roundEpoch && early.endpoints().equals(endpoints)
                        ? early.calls()
                        : sendPrepares(tx, List.of());
        whenAllAnswered(calls).thenRunAsync(() -> {
            if (roundEpoch == epoch) {
                decideAfterVotes(tx.txId(), endpoints, calls, SetFreeze.FROZEN);
            }
        }, scheduler);
    }

    /** Completes when every call has answered or failed. */
    private static CompletableFuture<Void> whenAllAnswered(Map<String, CompletableFuture<PrepareResponse>> calls) {
        return CompletableFuture.allOf(calls.values().stream()
                .map(call -> call.handle((response, failure) -> null))
                .toArray(CompletableFuture[]::new));
    }

    /** PREPARE to every participant, but for those whose carried vote, signed at their endpoint, answers it. */
    private Map<String, CompletableFuture<PrepareResponse>> sendPrepares(TransactionView tx, List<CarriedVote> carried) {
        Map<String, CompletableFuture<PrepareResponse>> calls = new LinkedHashMap<>();
        for (ParticipantView participant : tx.participants()) {
            Optional<CarriedVote> vote = carried.stream()
                    .filter(v -> v.participantId().equals(participant.participantId())
                            && v.endpoint().equals(participant.endpoint()))
                    .findFirst();
            calls.put(participant.participantId(), vote.isPresent()
                    ? CompletableFuture.completedFuture(new PrepareResponse(vote.get().vote(), null))
                    : participants.prepare(participant, tx.txId()));
        }
        return calls;
    }

    private static Map<String, String> endpoints(TransactionView tx) {
        Map<String, String> endpoints = new HashMap<>();
        tx.participants().forEach(p -> endpoints.put(p.participantId(), p.endpoint()));
        return endpoints;
    }

    private record EarlyRound(long epoch, Map<String, String> endpoints,
            Map<String, CompletableFuture<PrepareResponse>> calls, SetFreeze freeze) {
    }

    /** What froze, or will freeze, the participant set a round's votes were asked of, if its COMMIT does not. */
    private enum SetFreeze {
        /** A StartCommit applied before the round: a refused COMMIT of this round is turned into an ABORT. */
        FROZEN,
        /** A StartCommit on its way through the log: its application freezes the set and starts a round. */
        START_COMMIT_PENDING,
        /** Nothing logged (a commit asked of the leader): a refused COMMIT logs the StartCommit itself. */
        NOTHING_LOGGED
    }

    /**
     * Logs the decision the votes call for. A COMMIT names where each vote was asked, so it is valid with or
     * without the StartCommit before it (TransactionTable.decide). If an early COMMIT is refused because the set
     * moved (an enlist, a new endpoint) or the deadline passed, the transaction is left to the round that
     * StartCommit starts (logged here when nothing else logs it), or to the deadline; a refused COMMIT of a
     * frozen round is turned into an ABORT.
     */
    private void decideAfterVotes(long txId, Map<String, String> askedAt,
            Map<String, CompletableFuture<PrepareResponse>> calls, SetFreeze freeze) {
        Map<String, Vote> votes = new LinkedHashMap<>();
        String abortReason = null;
        for (Map.Entry<String, CompletableFuture<PrepareResponse>> call : calls.entrySet()) {
            PrepareResponse response = call.getValue().isCompletedExceptionally() ? null : call.getValue().join();
            if (response == null || response.vote() == null) {
                abortReason = abortReason != null ? abortReason
                        : "participant " + call.getKey() + " did not answer PREPARE";
                // a failed call counts as NO: say why, or an abort like this is hard to explain afterwards
                log.debug("tx {}: no vote from participant {}: {}", txId, call.getKey(),
                        response == null ? FailureCause.of(call.getValue().handle((ignored, error) -> error).join())
                                : "an answer without a vote");
                continue;
            }
            votes.put(call.getKey(), response.vote());
            if (response.vote() == Vote.NO && abortReason == null) {
                abortReason = "participant " + call.getKey() + " voted NO"
                        + (response.reason() == null ? "" : ": " + response.reason());
            }
        }
        Outcome outcome = abortReason == null ? Outcome.COMMIT : Outcome.ABORT;
        long roundEpoch = epoch;
        TxCommand.Decide decide = outcome == Outcome.COMMIT
                ? new TxCommand.Decide(txId, outcome, votes, null, askedAt)
                : new TxCommand.Decide(txId, outcome, votes, abortReason);
        decisionLog.propose(decide).whenCompleteAsync((result, failure) -> {
            if (roundEpoch != epoch) {
                return;
            }
            preparing.remove(txId);
            if (failure != null) {
                log.warn("Decision for tx {} not logged; the next tick retries the round", txId, failure);
                if (freeze == SetFreeze.NOTHING_LOGGED) {
                    logStartCommit(txId); // the tick retries only rounds whose set is frozen in the log
                }
            } else if (result instanceof TxResult.Refused refused && outcome == Outcome.COMMIT) {
                if (freeze != SetFreeze.FROZEN) {
                    roundForTheFrozenSet(txId, freeze);
                } else {
                    // Another decision won, or the set moved under the round: ABORT is always safe.
                    log.info("COMMIT of tx {} refused ({}); aborting", txId, refused.refusal());
                    decisionLog.propose(new TxCommand.Decide(txId, Outcome.ABORT, votes,
                            "commit refused: " + refused.refusal()));
                }
            }
        }, scheduler);
    }

    /**
     * After an early COMMIT was refused: if StartCommit has frozen the set meanwhile, its round starts here (its
     * own start was skipped while the early decision was in flight); if not yet, its application starts it, and
     * when no StartCommit was ever sent (a commit asked of the leader) it is logged now.
     */
    private void roundForTheFrozenSet(long txId, SetFreeze freeze) {
        Optional<TransactionView> tx = decisionLog.replica().read(t -> t.query(new TxQuery.Get(txId))).stream()
                .findFirst();
        if (tx.isEmpty()) {
            return;
        }
        switch (tx.get().state()) {
            case PREPARING -> runPrepareRound(tx.get());
            case ACTIVE -> {
                if (freeze == SetFreeze.NOTHING_LOGGED) {
                    logStartCommit(txId);
                }
            }
            default -> {
            }
        }
    }

    private void abortForTimeout(TransactionView tx) {
        if (!aborting.add(tx.txId())) {
            return;
        }
        long abortEpoch = epoch;
        decisionLog.propose(new TxCommand.Decide(tx.txId(), Outcome.ABORT, Map.of(), "deadline passed"))
                .whenCompleteAsync((result, failure) -> {
                    if (abortEpoch == epoch) {
                        aborting.remove(tx.txId());
                    }
                }, scheduler);
    }

    // ---- phase 2 -------------------------------------------------------------------------------------------

    private void deliver(TransactionView tx) {
        if (!leader || !tx.isDecided()) {
            return;
        }
        Outcome outcome = tx.state() == TxState.COMMITTED ? Outcome.COMMIT : Outcome.ABORT;
        for (ParticipantView participant : tx.unacknowledged()) {
            BranchRef branch = new BranchRef(tx.txId(), participant.participantId());
            if (delivering.add(branch)) {
                sendDecision(branch, participant, outcome, tx.decisionIndex());
            }
        }
    }

    private void sendDecision(BranchRef branch, ParticipantView participant, Outcome outcome, long decisionIndex) {
        long deliveryEpoch = epoch;
        participants.deliver(participant, branch.txId(), outcome, decisionIndex)
                .whenCompleteAsync((ignored, failure) -> {
                    if (deliveryEpoch != epoch) {
                        return;
                    }
                    if (failure == null) {
                        deliveryAttempts.remove(branch);
                        acknowledge(branch);
                        return;
                    }
                    int attempt = deliveryAttempts.merge(branch, 1, Integer::sum);
                    long backoff = Math.min(settings.retryMaxMillis(),
                            settings.retryMinMillis() << Math.min(attempt - 1, 16));
                    scheduler.schedule(() -> {
                        if (deliveryEpoch == epoch) {
                            sendDecision(branch, participant, outcome, decisionIndex);
                        }
                    }, backoff);
                }, scheduler);
    }

    /** Acknowledgements share log writes: they wait a moment (or for a full batch) and go as one command. */
    private void acknowledge(BranchRef branch) {
        pendingAcks.add(branch);
        if (pendingAcks.size() >= settings.ackBatchSize()) {
            flushAcks(epoch);
        } else if (!ackFlushScheduled) {
            ackFlushScheduled = true;
            long flushEpoch = epoch;
            scheduler.schedule(() -> flushAcks(flushEpoch), settings.ackFlushMillis());
        }
    }

    private void flushAcks(long flushEpoch) {
        if (flushEpoch != epoch) {
            return;
        }
        ackFlushScheduled = false;
        if (pendingAcks.isEmpty()) {
            return;
        }
        List<BranchRef> batch = List.copyOf(pendingAcks);
        pendingAcks.clear();
        decisionLog.propose(new TxCommand.Acknowledge(batch)).whenCompleteAsync((result, failure) -> {
            if (flushEpoch != epoch) {
                return;
            }
            // Only now is the branch done: until the ack is logged, a tick may deliver again (harmless, idempotent).
            batch.forEach(delivering::remove);
            if (failure != null) {
                log.warn("Acknowledgements not logged; phase 2 is redelivered", failure);
            }
        }, scheduler);
    }

    // ---- housekeeping --------------------------------------------------------------------------------------

    private void forget(List<Long> forgettable) {
        if (forgetting || forgettable.isEmpty()) {
            return;
        }
        forgetting = true;
        long forgetEpoch = epoch;
        decisionLog.propose(new TxCommand.Forget(List.copyOf(forgettable))).whenCompleteAsync((result, failure) -> {
            if (forgetEpoch == epoch) {
                forgetting = false;
            }
        }, scheduler);
    }

    /** For tests and the console: whether this driver currently acts as leader. */
    public boolean isLeader() {
        return leader;
    }
}
