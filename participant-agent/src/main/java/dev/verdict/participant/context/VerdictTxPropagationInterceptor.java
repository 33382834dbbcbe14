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
 * then no seal of another transaction is added).
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
        return execution.execute(request, body);
    }
}
