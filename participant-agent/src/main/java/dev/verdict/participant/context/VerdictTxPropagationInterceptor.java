package dev.verdict.participant.context;

import dev.verdict.protocol.Headers;
import java.io.IOException;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds {@code Verdict-Tx: <txId>} to outgoing requests made while a global transaction is current, so the
 * called participants run their work in its branch, and {@code Verdict-Tx-Declared} with the coordinator's seal
 * on the declared participants when there is one. A transaction header the caller set explicitly wins (and
 * then no seal of another transaction is added). On a call the app marked {@code Verdict-Prepare} (its last to
 * that participant), the participant's signed vote in {@code Verdict-Vote} is kept for the commit
 * ({@link CurrentTransaction#votes()}).
 */
public final class VerdictTxPropagationInterceptor implements ClientHttpRequestInterceptor {

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        CurrentTransaction.txId().ifPresent(txId -> {
            if (!request.getHeaders().containsHeader(Headers.TRANSACTION)) {
                request.getHeaders().set(Headers.TRANSACTION, Long.toString(txId));
                CurrentTransaction.declaration().ifPresent(seal -> request.getHeaders().set(Headers.DECLARATION, seal));
            }
        });
        ClientHttpResponse response = execution.execute(request, body);
        if (request.getHeaders().containsHeader(Headers.PREPARE)) {
            String vote = response.getHeaders().getFirst(Headers.VOTE);
            if (vote != null) {
                CurrentTransaction.addVote(vote);
            }
        }
        return response;
    }
}
