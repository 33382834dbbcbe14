package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.TxState;
import java.time.Instant;

/**
 * Answer to {@code POST /v1/transactions}.
 *
 * @param declaration the coordinator's {@link DeclarationSeal seal} on the participants declared at begin, to
 *        forward in the {@code Verdict-Tx-Declared} header so they open their branches without enlisting; null
 *        when none were declared or the coordinators have no declaration key
 * @param deferred whether the begin was deferred (nothing logged yet): then the commit or abort must carry the
 *        declared participants and this declaration ({@link CommitRequest}, {@link AbortRequest})
 */
public record TransactionBegun(long txId, TxState state, Instant deadline, String declaration, boolean deferred) {

    public TransactionBegun(long txId, TxState state, Instant deadline, String declaration) {
        this(txId, state, deadline, declaration, false);
    }
}
