package dev.verdict.participant.support;

import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.EnlistRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What the participant tests need from a coordinator. {@link FakeCoordinator} implements it today; a real
 * 3-node coordinator can implement it later (decide via its commit/abort API, forget by waiting for the
 * acknowledgements), and the tests stay as they are.
 */
public interface CoordinatorUnderTest extends AutoCloseable {

    /** Base URLs of every node, for verdict.participant.coordinator-urls. */
    List<URI> urls();

    /** Begins a transaction and returns its txId. */
    long begin(Duration timeout);

    /** The participants that enlisted in txId. */
    List<EnlistRequest> enlisted(long txId);

    /** Logs a decision for txId (without sending phase 2: the test or the participants' recovery does that). */
    void decide(long txId, TxState decision);

    /** Forgets txId, as after every participant acknowledged phase 2: its status becomes 404. */
    void forget(long txId);

    /** While unavailable, every call is answered 503 NO_QUORUM. */
    void available(boolean available);

    @Override
    void close();
}
