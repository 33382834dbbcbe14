package dev.verdict.participant.support;

import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What a participant test needs from a coordinator, so the same test runs against the one-node
 * {@link FakeCoordinator} or a {@link RealCoordinator} (a real 3-node Raft group in this JVM). Scripting the
 * coordinator (logging a decision without phase 2, forgetting, being unavailable) is not in here: only the
 * fake can do that, and tests that need it use {@link FakeCoordinator} directly.
 */
public interface CoordinatorUnderTest extends AutoCloseable {

    /** Base URLs of every node, for verdict.participant.coordinator-urls. */
    List<URI> urls();

    /** Begins a transaction and returns its txId. */
    long begin(Duration timeout);

    /** The participants that enlisted in txId. */
    List<ParticipantAddress> enlisted(long txId);

    /** The client's commit: the prepare round, the decision, then phase 2 to every participant. */
    TransactionOutcome commit(long txId);

    /** The client's abort: an ABORT decision, then phase 2 to every participant. */
    TransactionOutcome abort(long txId);

    /** The transaction as the coordinator reports it: state, participants with their votes, decision index. */
    TransactionStatus status(long txId);

    default TxState state(long txId) {
        return status(txId).state();
    }

    @Override
    void close();
}
