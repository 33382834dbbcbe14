package dev.verdict.coordinator.api;

import dev.verdict.coordinator.cluster.CoordinatorProperties;
import dev.verdict.coordinator.commit.CoordinatorException;
import dev.verdict.coordinator.txn.DeferredBegin;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.DeclarationSeal;
import dev.verdict.protocol.coordinator.IdLease;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Seals, for a begin's answer, the participants its applied Begin enlisted, so they can open their branches
 * without an enlist call. Only what the replicated table holds is sealed (the view comes from the applied entry),
 * or, for a deferred begin, what the Begin its commit or abort carries will log: the same seal is the proof that
 * lets that Begin be logged ({@link #deferredBegin}).
 */
@Component
class BeginDeclarations {

    /** Null when this node has no declaration key: begins are answered without a seal. */
    private final DeclarationSeal seal;

    BeginDeclarations(CoordinatorProperties properties) {
        this.seal = DeclarationSeal.withKey(properties.declarationKey()).orElse(null);
    }

    /** Whether begins can be deferred: only a sealed declaration can bring a deferred Begin back to the log. */
    boolean canSeal() {
        return seal != null;
    }

    /**
     * The deferred Begin a commit or abort carries, or null when it carries none (no participants, no
     * declaration). Carried, it must be this node's seal on exactly these participants for this transaction:
     * anything else is a bad request, since only the coordinators could have made it.
     */
    DeferredBegin deferredBegin(long txId, List<ParticipantAddress> participants, String declaration) {
        if (participants.isEmpty() && declaration == null) {
            return null;
        }
        return (seal == null ? Optional.<Instant>empty() : seal.verifyDeclared(declaration, txId, participants))
                .map(deadline -> new DeferredBegin(deadline.toEpochMilli(), participants))
                .orElseThrow(() -> new CoordinatorException(ErrorCode.VALIDATION_FAILED, "the declaration does not"
                        + " seal exactly these participants, in this order, for transaction " + txId));
    }

    /** The lease of a block reserved for a client, with the key it seals its transactions' declarations under. */
    IdLease lease(TxResult.Reserved block) {
        if (seal == null) {
            throw new IllegalStateException("no declaration key to derive an id lease's key from (see canSeal)");
        }
        return seal.lease(block.firstTxId(), block.lastTxId(), Instant.ofEpochMilli(block.liveUntilMillis()));
    }

    /** The seal for the begin's answer, or null (no key, nothing declared, or no longer active). */
    String sealOf(TransactionView begun) {
        if (seal == null || begun.state() != TxState.ACTIVE) {
            return null;
        }
        return seal.seal(begun.txId(), Instant.ofEpochMilli(begun.deadlineMillis()), begun.participants().stream()
                        .map(p -> new ParticipantAddress(p.participantId(), p.endpoint()))
                        .toList())
                .orElse(null);
    }
}
