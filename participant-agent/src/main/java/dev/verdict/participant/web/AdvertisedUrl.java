package dev.verdict.participant.web;

import java.net.URI;
import java.util.function.Supplier;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The base URL the coordinator calls this participant at: {@code verdict.participant.advertised-url}, or
 * {@code http://localhost:<port>} once the web server runs (fine on one machine, wrong anywhere else).
 */
public final class AdvertisedUrl implements Supplier<String>, ApplicationListener<WebServerInitializedEvent> {

    private final URI configured;
    private volatile String fromServer;

    public AdvertisedUrl(URI configured) {
        this.configured = configured;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) {
            fromServer = "http://localhost:" + event.getWebServer().getPort();
        }
    }

    @Override
    public String get() {
        if (configured != null) {
            return stripSlash(configured.toString());
        }
        if (fromServer == null) {
            throw new IllegalStateException("verdict.participant.advertised-url is not set and the web server has not started");
        }
        return fromServer;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
