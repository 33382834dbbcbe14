package dev.verdict.coordinator.txn;

import dev.verdict.coordinator.txn.TxCommand.Acknowledge;
import dev.verdict.coordinator.txn.TxCommand.Begin;
import dev.verdict.coordinator.txn.TxCommand.Decide;
import dev.verdict.coordinator.txn.TxCommand.Enlist;
import dev.verdict.coordinator.txn.TxCommand.Forget;
import dev.verdict.coordinator.txn.TxCommand.StartCommit;
import dev.verdict.coordinator.txn.TxResult.Applied;
import dev.verdict.coordinator.txn.TxResult.BatchApplied;
import dev.verdict.coordinator.txn.TxResult.Refused;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The transaction table: a deterministic state machine replicated through the decision log.
 *
 * <p>It does no I/O, reads no clock and starts no thread: every input comes with the command, the log index
 * and the timestamp the proposer wrote into the entry, so every replica applying the same log reaches the same
 * state. It is not thread-safe; its owner serialises access.
 *
 * <p>Rules it enforces (DESIGN.md section 1): a COMMIT decision names exactly the enlisted participants, all
 * voting to commit, and either follows a StartCommit that froze that set or freezes it itself by naming where each
 * vote was asked, which must be where each participant is enlisted (rule 2); the first decision wins and never
 * changes (rule 3); a decision is kept until every participant acknowledged phase 2 (rule 4).
 */
public final class TransactionTable {

    /** Transaction ids ordered, so scans, listings and snapshots come out alike on every replica. */
    private final NavigableMap<Long, Transaction> transactions = new TreeMap<>();
    private final Map<String, Long> txIdByIdempotencyKey = new HashMap<>();
    /*
     * Two indexes derived from the transactions (rebuilt from a snapshot, never written to it), so that the leader's
     * periodic sweep costs what is left to do rather than the size of the table, which keeps every decision for
     * forget-after (10 minutes by default) after its last acknowledgement.
     */
    /** Ids of transactions not finished: undecided, or decided with a participant yet to acknowledge phase 2. */
    private final NavigableSet<Long> unfinished = new TreeSet<>();
    /** Finished transactions in the order they finished, with the time of their decision. */
    private final SequencedMap<Long, Long> decidedAtOfFinished = new LinkedHashMap<>();
    /**
     * Id blocks reserved for deferred begins, by first id, while live. Only an id of a live block may have its
     * deferred Begin logged, and no transaction of a live block is forgotten: so a live block's id this table
     * does not hold was never logged, and an ABORT of it may be logged as the first decision (presumed abort,
     * made durable). A block leaves once its time is up, and never comes back.
     */
    private final NavigableMap<Long, IdBlock> liveBlocks = new TreeMap<>();
    private long lastTxId;
    private long appliedIndex;

    public TxResult apply(TxCommand command, long index, long timestampMillis) {
        if (index > appliedIndex) {
            appliedIndex = index;
        }
        liveBlocks.values().removeIf(block -> timestampMillis > block.liveUntilMillis());
        return switch (command) {
            case Begin begin -> begin(begin, timestampMillis);
            case TxCommand.ReserveIds reserve -> reserve(reserve, timestampMillis);
            case Enlist enlist -> enlist(enlist, timestampMillis);
            case StartCommit start -> startCommit(start, timestampMillis);
            case Decide decide -> decide(decide, index, timestampMillis);
            case Acknowledge ack -> acknowledge(ack);
            case Forget forget -> forget(forget);
            case TxCommand.Read read -> new TxResult.Viewed(query(read.query()));
        };
    }

    /**
     * Ids are assigned here, at apply time, in log order: unique and increasing in real-time order across leader
     * changes, because the log is the only place they come from (a linearizable id generator).
     */
    private TxResult begin(Begin begin, long now) {
        if (begin.idempotencyKey() != null) {
            Long existing = txIdByIdempotencyKey.get(begin.idempotencyKey());
            if (existing != null) {
                Transaction tx = transactions.get(existing);
                return tx.timeoutMs == begin.timeoutMs()
                        ? new Applied(tx.view())
                        : new Refused(Refusal.IDEMPOTENCY_CONFLICT, tx.view());
            }
        }
        Transaction tx = new Transaction(++lastTxId, now, begin.timeoutMs(), begin.idempotencyKey());
        for (ParticipantAddress declared : begin.participants()) {
            join(tx, declared.participantId(), declared.endpoint());
        }
        transactions.put(tx.txId, tx);
        unfinished.add(tx.txId);
        if (tx.idempotencyKey != null) {
            txIdByIdempotencyKey.put(tx.idempotencyKey, tx.txId);
        }
        return new Applied(tx.view());
    }

    private TxResult reserve(TxCommand.ReserveIds reserve, long now) {
        long first = lastTxId + 1;
        lastTxId += reserve.count();
        long liveUntil = reserve.liveForMillis() > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + reserve.liveForMillis();
        liveBlocks.put(first, new IdBlock(first, lastTxId, liveUntil));
        return new TxResult.Reserved(first, lastTxId, liveUntil);
    }

    private boolean inLiveBlock(long txId) {
        Map.Entry<Long, IdBlock> block = liveBlocks.floorEntry(txId);
        return block != null && block.getValue().holds(txId);
    }

    /**
     * The transaction a command is about: the one the table holds, else the one its deferred Begin would log (not
     * yet in the table: the caller {@link #register registers} it only if the command applies, since a refused
     * command changes nothing), else null.
     */
    private Transaction heldOrDeferred(long txId, DeferredBegin begin, long now) {
        Transaction tx = transactions.get(txId);
        if (tx != null || begin == null || !inLiveBlock(txId)) {
            return tx;
        }
        Transaction deferred = Transaction.deferred(txId, now, begin.deadlineMillis());
        for (ParticipantAddress declared : begin.participants()) {
            join(deferred, declared.participantId(), declared.endpoint());
        }
        return deferred;
    }

    /** A refusal's report of the transaction: as the table holds it, so null for a deferred one not logged. */
    private TransactionView current(Transaction tx) {
        return transactions.containsKey(tx.txId) ? tx.view() : null;
    }

    private void register(Transaction tx) {
        if (transactions.putIfAbsent(tx.txId, tx) == null) {
            unfinished.add(tx.txId);
        }
    }

    private TxResult enlist(Enlist enlist, long now) {
        Transaction tx = transactions.get(enlist.txId());
        if (tx == null) {
            return new Refused(Refusal.NOT_FOUND, null);
        }
        if (tx.state != TxState.ACTIVE || now > tx.deadlineMillis) {
            return new Refused(Refusal.NOT_ACTIVE, tx.view());
        }
        join(tx, enlist.participantId(), enlist.endpoint());
        return new Applied(tx.view());
    }

    /** Enlisting is idempotent: a participant already in keeps its place, and the newest endpoint wins. */
    private static void join(Transaction tx, String participantId, String endpoint) {
        Transaction.Branch branch = tx.branches.get(participantId);
        if (branch == null) {
            tx.branches.put(participantId, new Transaction.Branch(endpoint));
        } else {
            branch.endpoint = endpoint;
        }
    }

    private TxResult startCommit(StartCommit start, long now) {
        Transaction tx = heldOrDeferred(start.txId(), start.begin(), now);
        if (tx == null) {
            return new Refused(Refusal.NOT_FOUND, null);
        }
        if (tx.state == TxState.ACTIVE) {
            if (now > tx.deadlineMillis) {
                return new Refused(Refusal.DEADLINE_PASSED, current(tx));
            }
            register(tx);
            tx.state = TxState.PREPARING;
        }
        // PREPARING or decided: a repeat; the caller reads the state from the view.
        return new Applied(tx.view());
    }

    private TxResult decide(Decide decide, long index, long now) {
        Transaction tx = heldOrDeferred(decide.txId(), decide.begin(), now);
        if (tx == null && decide.outcome() == Outcome.ABORT && inLiveBlock(decide.txId())) {
            // never logged, and from now on never will be: its deferred Begin finds this ABORT first
            tx = Transaction.deferred(decide.txId(), now, now);
        }
        if (tx == null) {
            return new Refused(Refusal.NOT_FOUND, null);
        }
        if (tx.state.isDecided()) {
            return tx.state == decide.outcome().state()
                    ? new Applied(tx.view())
                    : new Refused(Refusal.ALREADY_DECIDED, current(tx));
        }
        if (decide.outcome() == Outcome.COMMIT) {
            boolean freezesItself = !decide.askedAt().isEmpty();
            if (tx.state == TxState.ACTIVE) {
                if (!freezesItself) {
                    return new Refused(Refusal.COMMIT_NOT_STARTED, current(tx));
                }
                if (now > tx.deadlineMillis) {
                    return new Refused(Refusal.DEADLINE_PASSED, current(tx));
                }
            }
            if (!decide.votes().keySet().equals(tx.branches.keySet())
                    || freezesItself && !askedWhereEnlisted(tx, decide.askedAt())) {
                return new Refused(Refusal.PARTICIPANTS_MISMATCH, current(tx));
            }
            if (!decide.votes().values().stream().allMatch(Vote::allowsCommit)) {
                return new Refused(Refusal.VOTE_AGAINST, current(tx));
            }
        }
        register(tx);
        tx.state = decide.outcome().state();
        tx.decisionIndex = index;
        tx.decidedAtMillis = now;
        tx.reason = decide.reason();
        tx.branches.forEach((participantId, branch) -> {
            branch.vote = decide.votes().get(participantId);
            // A read-only branch has already ended on its participant: there is nothing to deliver.
            branch.acknowledged = branch.vote == Vote.READ_ONLY;
        });
        noteIfFinished(tx);
        return new Applied(tx.view());
    }

    /** Every enlisted participant was asked at the endpoint it is enlisted at, and nobody else was asked. */
    private static boolean askedWhereEnlisted(Transaction tx, Map<String, String> askedAt) {
        if (!askedAt.keySet().equals(tx.branches.keySet())) {
            return false;
        }
        return tx.branches.entrySet().stream()
                .allMatch(branch -> branch.getValue().endpoint.equals(askedAt.get(branch.getKey())));
    }

    private TxResult acknowledge(Acknowledge ack) {
        List<Long> changed = new ArrayList<>();
        for (BranchRef ref : ack.branches()) {
            Transaction tx = transactions.get(ref.txId());
            if (tx == null || !tx.state.isDecided()) {
                continue; // an ack can only follow a decision; anything else is a stray duplicate
            }
            Transaction.Branch branch = tx.branches.get(ref.participantId());
            if (branch != null && !branch.acknowledged) {
                branch.acknowledged = true;
                noteIfFinished(tx);
                if (!changed.contains(ref.txId())) {
                    changed.add(ref.txId());
                }
            }
        }
        return new BatchApplied(changed);
    }

    private void noteIfFinished(Transaction tx) {
        if (tx.isFinished() && unfinished.remove(tx.txId)) {
            decidedAtOfFinished.put(tx.txId, tx.decidedAtMillis);
        }
    }

    private TxResult forget(Forget forget) {
        List<Long> forgotten = new ArrayList<>();
        for (long txId : forget.txIds()) {
            Transaction tx = transactions.get(txId);
            if (tx != null && tx.isFinished() && !inLiveBlock(txId)) {
                transactions.remove(txId);
                decidedAtOfFinished.remove(txId);
                if (tx.idempotencyKey != null) {
                    txIdByIdempotencyKey.remove(tx.idempotencyKey);
                }
                forgotten.add(txId);
            }
        }
        return new BatchApplied(forgotten);
    }

    public List<TransactionView> query(TxQuery query) {
        return switch (query) {
            case TxQuery.Get get -> {
                Transaction tx = transactions.get(get.txId());
                yield tx == null ? List.of() : List.of(tx.view());
            }
            case TxQuery.Recent recent -> transactions.descendingMap().values().stream()
                    .limit(recent.limit())
                    .map(Transaction::view)
                    .toList();
        };
    }

    /** Transactions with work left (undecided, or phase 2 unacknowledged), in id order: the leader's sweep. */
    public List<TransactionView> unfinished() {
        List<TransactionView> views = new ArrayList<>(unfinished.size());
        for (long txId : unfinished) {
            views.add(transactions.get(txId).view());
        }
        return views;
    }

    /**
     * Up to {@code limit} finished transactions decided before {@code decidedBeforeMillis}, taken in the order they
     * finished. The walk stops at the first one decided later, so one whose phase 2 took longer may be offered a
     * little after its time: forgetting later is always safe (rule 4 asks only that it is finished).
     */
    public List<Long> forgettable(long decidedBeforeMillis, int limit) {
        List<Long> ids = new ArrayList<>();
        for (Map.Entry<Long, Long> finished : decidedAtOfFinished.entrySet()) {
            if (ids.size() >= limit || finished.getValue() >= decidedBeforeMillis) {
                break;
            }
            if (!inLiveBlock(finished.getKey())) {
                ids.add(finished.getKey());
            }
        }
        return ids;
    }

    public int size() {
        return transactions.size();
    }

    public long lastTxId() {
        return lastTxId;
    }

    /** The highest log index applied; a snapshot covers the log up to here. */
    public long appliedIndex() {
        return appliedIndex;
    }

    public byte[] toSnapshot() {
        return TableSnapshotCodec.write(lastTxId, appliedIndex, liveBlocks.values(), transactions.values());
    }

    public static TransactionTable fromSnapshot(byte[] bytes) {
        TransactionTable table = new TransactionTable();
        TableSnapshotCodec.read(bytes, (lastTxId, appliedIndex) -> {
            table.lastTxId = lastTxId;
            table.appliedIndex = appliedIndex;
        }, block -> table.liveBlocks.put(block.first(), block), tx -> {
            table.transactions.put(tx.txId, tx);
            if (tx.idempotencyKey != null) {
                table.txIdByIdempotencyKey.put(tx.idempotencyKey, tx.txId);
            }
        });
        table.transactions.values().stream()
                .filter(tx -> !tx.isFinished())
                .forEach(tx -> table.unfinished.add(tx.txId));
        table.transactions.values().stream()
                .filter(Transaction::isFinished)
                .sorted(Comparator.comparingLong((Transaction tx) -> tx.decidedAtMillis).thenComparingLong(tx -> tx.txId))
                .forEach(tx -> table.decidedAtOfFinished.put(tx.txId, tx.decidedAtMillis));
        return table;
    }
}
