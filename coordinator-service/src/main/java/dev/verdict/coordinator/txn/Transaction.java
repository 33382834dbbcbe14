package dev.verdict.coordinator.txn;

import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One transaction's mutable record inside the table. Only {@link TransactionTable} changes it. */
final class Transaction {

    final long txId;
    final long beganAtMillis;
    final long deadlineMillis;
    final long timeoutMs;
    final String idempotencyKey;
    TxState state = TxState.ACTIVE;
    /** Insertion ordered, so every replica lists participants alike. */
    final Map<String, Branch> branches = new LinkedHashMap<>();
    long decisionIndex;
    long decidedAtMillis;
    String reason;

    Transaction(long txId, long beganAtMillis, long timeoutMs, String idempotencyKey) {
        this.txId = txId;
        this.beganAtMillis = beganAtMillis;
        this.timeoutMs = timeoutMs;
        // Saturate: a huge timeout means "no deadline soon", never a deadline in the past.
        this.deadlineMillis = timeoutMs > Long.MAX_VALUE - beganAtMillis ? Long.MAX_VALUE : beganAtMillis + timeoutMs;
        this.idempotencyKey = idempotencyKey;
    }

    /** A deferred begin's transaction, logged at {@code loggedAtMillis} with the deadline its begin's answer gave. */
    static Transaction deferred(long txId, long loggedAtMillis, long deadlineMillis) {
        long beganAt = Math.min(loggedAtMillis, deadlineMillis - 1);
        return new Transaction(txId, beganAt, deadlineMillis - beganAt, null);
    }

    static final class Branch {
        String endpoint;
        Vote vote;
        boolean acknowledged;

        Branch(String endpoint) {
            this.endpoint = endpoint;
        }
    }

    boolean isFinished() {
        return state.isDecided() && branches.values().stream().allMatch(b -> b.acknowledged);
    }

    TransactionView view() {
        List<ParticipantView> participants = new ArrayList<>(branches.size());
        branches.forEach((id, b) -> participants.add(new ParticipantView(id, b.endpoint, b.vote, b.acknowledged)));
        return new TransactionView(txId, state, beganAtMillis, deadlineMillis, participants,
                decisionIndex, decidedAtMillis, reason);
    }
}
