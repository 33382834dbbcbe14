package dev.verdict.coordinator.txn;

import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A change to the transaction table. Commands are what the Raft log carries: each one is applied, in log order,
 * on every replica by {@link TransactionTable#apply}, so they hold everything the change needs (no clock reads,
 * no lookups elsewhere).
 */
public sealed interface TxCommand {

    /**
     * Whether applying this command a second time leaves the table as applying it once did. Every command is,
     * except a Begin without an idempotency key (applied twice, it begins two transactions) and ReserveIds
     * (applied twice, it reserves two blocks).
     */
    default boolean repeatable() {
        return !(this instanceof Begin begin && begin.idempotencyKey() == null) && !(this instanceof ReserveIds);
    }


    /**
     * Starts a transaction; the table assigns its id. A repeated idempotency key returns the first transaction.
     * The declared participants are enlisted by this same entry, exactly as an {@link Enlist} of each would.
     */
    record Begin(long timeoutMs, String idempotencyKey, List<ParticipantAddress> participants) implements TxCommand {
        public Begin {
            if (timeoutMs <= 0) {
                throw new IllegalArgumentException("timeoutMs must be positive");
            }
            participants = List.copyOf(participants);
            for (ParticipantAddress participant : participants) {
                Objects.requireNonNull(participant.participantId(), "participantId");
                Objects.requireNonNull(participant.endpoint(), "endpoint");
            }
        }

        public Begin(long timeoutMs, String idempotencyKey) {
            this(timeoutMs, idempotencyKey, List.of());
        }
    }

    /**
     * Reserves the next {@code count} transaction ids for one node's deferred begins (begins answered without a
     * log write, whose Begin is logged with their first StartCommit or decision, see {@link DeferredBegin}). The
     * block stays live for {@code liveForMillis} after this entry's timestamp: only while it is live may a
     * deferred Begin from it be logged, and is a transaction of it kept from being forgotten, so that an id of a
     * live block the table does not hold is known never to have been logged.
     */
    record ReserveIds(int count, long liveForMillis) implements TxCommand {
        public ReserveIds {
            if (count <= 0 || liveForMillis <= 0) {
                throw new IllegalArgumentException("count and liveForMillis must be positive");
            }
        }
    }

    /** A participant joins an ACTIVE transaction; re-enlisting is idempotent (the newest endpoint wins). */
    record Enlist(long txId, String participantId, String endpoint) implements TxCommand {
        public Enlist {
            Objects.requireNonNull(participantId, "participantId");
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /**
     * Freezes the participant set (ACTIVE -> PREPARING): from here on enlists are refused. It is also how a commit
     * asked of any node reaches the leader, and the durable record that the client asked for one, so a new leader
     * finishes the round instead of waiting for the deadline.
     *
     * <p>{@code begin} (or null) is the transaction's deferred Begin: logged here if the table does not hold the
     * transaction yet.
     */
    record StartCommit(long txId, DeferredBegin begin) implements TxCommand {
        public StartCommit(long txId) {
            this(txId, null);
        }
    }

    /**
     * The decision, set once. COMMIT must carry a vote allowing commit from exactly the enlisted participants;
     * ABORT may carry whatever votes are known.
     *
     * <p>{@code askedAt} says where each vote was asked (participant id to endpoint). A COMMIT that names them
     * freezes the participant set itself, so it needs no StartCommit before it: the table checks that the enlisted
     * participants are exactly those, at those endpoints. Empty for ABORT and for entries written before it existed.
     *
     * <p>{@code begin} (or null) is the transaction's deferred Begin: logged here if the table does not hold the
     * transaction yet, so a deferred transaction's commit is one entry. An ABORT of an id the table does not hold,
     * from a live block, is logged without it too (presumed abort made durable: no deferred Begin of that id can
     * be logged after it).
     */
    record Decide(long txId, Outcome outcome, Map<String, Vote> votes, String reason, Map<String, String> askedAt,
            DeferredBegin begin) implements TxCommand {
        public Decide {
            Objects.requireNonNull(outcome, "outcome");
            votes = Map.copyOf(votes);
            askedAt = Map.copyOf(askedAt);
        }

        public Decide(long txId, Outcome outcome, Map<String, Vote> votes, String reason, Map<String, String> askedAt) {
            this(txId, outcome, votes, reason, askedAt, null);
        }

        public Decide(long txId, Outcome outcome, Map<String, Vote> votes, String reason) {
            this(txId, outcome, votes, reason, Map.of());
        }
    }

    /** Phase 2 acknowledged by these branches; logged in batches. */
    record Acknowledge(List<BranchRef> branches) implements TxCommand {
        public Acknowledge {
            branches = List.copyOf(branches);
        }
    }

    /**
     * A linearizable read, ordered in the log like any change: applying it changes nothing and answers the query
     * from the table as it is at this point of the log. Reads go through the log because Ratis's read index is not
     * linearizable across a partition: a leader that can no longer reach a majority answers a read at a commit
     * index some earlier read had confirmed without asking the followers again, so until it steps down it served
     * reads older than decisions a new leader had already logged and clients had been told (the bank's chaos run
     * caught an ACTIVE status after COMMITTED). An entry is committed only by a current majority, so it cannot.
     */
    record Read(TxQuery query) implements TxCommand {
        public Read {
            Objects.requireNonNull(query, "query");
        }
    }

    /** Drops fully acknowledged decisions; refused for any transaction that is undecided or unacknowledged. */
    record Forget(List<Long> txIds) implements TxCommand {
        public Forget {
            txIds = List.copyOf(txIds);
        }
    }
}
