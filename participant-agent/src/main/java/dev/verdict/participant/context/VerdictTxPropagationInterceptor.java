package dev.verdict.participant.context;

import dev.verdict.protocol.Headers;
import java.io.IOException;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds {@code Verdict-Tx: <txId>} to outgoing requests made while a global transaction is current, so the
 * called participants run their work in its branch. A header the caller set explicitly wins.
 */
public final class VerdictTxPropagationInterceptor implements ClientHttpRequestInterceptor {

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        CurrentTransaction.txId().ifPresent(txId -> {
            if (!request.getHeaders().containsHeader(Headers.TRANSACTION)) {
                request.getHeaders().set(Headers.TRANSACTION, Long.toString(txId));
            }
        });
        return execution.execute(request, body);
    }
}
