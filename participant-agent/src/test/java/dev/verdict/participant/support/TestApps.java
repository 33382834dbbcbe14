package dev.verdict.participant.support;

/** Settings every Spring Boot app these tests start (shards, the fake coordinator) shares. */
public final class TestApps {

    /**
     * The coordinator's {@code application.properties} is on this test class path (its {@code lib} jar, for
     * {@link RealCoordinator}), and Spring Boot would load it into every app started here: graceful shutdown,
     * virtual threads, the coordinator's application name. The test apps look for their own config name
     * instead, which does not exist, so they run on the starter's and Spring Boot's defaults only.
     */
    public static final String OWN_CONFIG = "spring.config.name=participant-test-app";

    private TestApps() {
    }
}
