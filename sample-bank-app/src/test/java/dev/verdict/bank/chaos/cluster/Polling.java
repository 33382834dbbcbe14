package dev.verdict.bank.chaos.cluster;

import java.time.Duration;

/** The pause between two looks at a condition that gives no notification (a port, a health endpoint). */
final class Polling {

    private Polling() {
    }

    static void pause(Duration interval) {
        try {
            Thread.sleep(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
