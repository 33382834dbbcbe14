package dev.verdict.bank.demo;

import java.time.Duration;

/**
 * The pause between two looks at a condition that gives no notification (a health endpoint, a database that
 * answers, a port): the demo's processes and the chaos suite wait through it.
 */
public final class Polling {

    private Polling() {
    }

    public static void pause(Duration interval) {
        try {
            Thread.sleep(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
