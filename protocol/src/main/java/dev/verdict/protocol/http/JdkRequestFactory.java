package dev.verdict.protocol.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractStreamingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@link ClientHttpRequestFactory} over the JDK {@link HttpClient} for the small JSON exchanges between Verdict's
 * processes, bounding each exchange with the JDK request's own {@link HttpRequest.Builder#timeout timeout}.
 *
 * <p>Why not Spring's {@code JdkClientHttpRequestFactory} with a read timeout: it arms a timer future per request
 * and cancels it when the response is closed, and every cancellation builds a {@code CancellationException} with
 * its stack trace: 1-2 % of a coordinator's and an agent's CPU in the benchmark's profiles (docs/benchmarks.md).
 * Here the call is one blocking {@code send} on the caller's (virtual) thread and the body is read whole, which
 * suits bodies of a few hundred bytes; a timeout surfaces as {@link java.net.http.HttpTimeoutException}, an
 * interrupt (a time limiter cancelling the call) as {@link InterruptedIOException}, both I/O errors to Spring.
 */
public final class JdkRequestFactory implements ClientHttpRequestFactory {

    /** Headers the JDK client sets itself and refuses from the caller. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient client;
    private final Duration timeout;

    /** @param timeout how long an exchange may take until the response's headers have arrived */
    public JdkRequestFactory(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
        return new Request(uri, method);
    }

    private final class Request extends AbstractStreamingClientHttpRequest {

        private final URI uri;
        private final HttpMethod method;

        Request(URI uri, HttpMethod method) {
            this.uri = uri;
            this.method = method;
        }

        @Override
        public HttpMethod getMethod() {
            return method;
        }

        @Override
        public URI getURI() {
            return uri;
        }

        @Override
        protected ClientHttpResponse executeInternal(HttpHeaders headers, Body body) throws IOException {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
            headers.forEach((name, values) -> {
                if (!RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            request.method(method.name(), bodyPublisher(body));
            try {
                return new Response(client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                InterruptedIOException interrupted = new InterruptedIOException(method + " " + uri + " interrupted");
                interrupted.initCause(e);
                throw interrupted;
            }
        }

        private static HttpRequest.BodyPublisher bodyPublisher(Body body) throws IOException {
            if (body == null) {
                return HttpRequest.BodyPublishers.noBody();
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            body.writeTo(bytes);
            return HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray());
        }
    }

    private static final class Response implements ClientHttpResponse {

        private final HttpResponse<byte[]> response;
        private final HttpHeaders headers = new HttpHeaders();

        Response(HttpResponse<byte[]> response) {
            this.response = response;
            response.headers().map().forEach(headers::addAll);
        }

        @Override
        public HttpStatusCode getStatusCode() {
            return HttpStatusCode.valueOf(response.statusCode());
        }

        @Override
        public String getStatusText() {
            return ""; // the JDK client does not expose HTTP/1.1 reason phrases, and nothing here reads them
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public InputStream getBody() {
            return new ByteArrayInputStream(response.body()); // ofByteArray gives an empty array for no body, never null
        }

        @Override
        public void close() {
        }
    }
}
