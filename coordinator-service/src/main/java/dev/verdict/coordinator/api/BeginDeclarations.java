package dev.verdict.coordinator.api;

import dev.verdict.coordinator.cluster.CoordinatorProperties;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.DeclarationSeal;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Seals, for a begin's answer, the participants its applied Begin enlisted, so they can open their branches
 * without an enlist call. Only what the replicated table holds is sealed: the view comes from the applied entry.
 */
@Component
class BeginDeclarations {

    /** Null when this node has no declaration key: begins are answered without a seal. */
    private final DeclarationSeal seal;

    BeginDeclarations(CoordinatorProperties properties) {
        this.seal = DeclarationSeal.withKey(properties.declarationKey()).orElse(null);
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
