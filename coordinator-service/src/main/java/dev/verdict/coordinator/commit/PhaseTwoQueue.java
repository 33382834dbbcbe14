package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.txn.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The phase-2 deliveries to one participant. At most {@code maxInFlight} calls to it are under way; decisions
 * that come while every call is taken wait and leave together in the next call, up to {@code maxBatch} in one.
 * So at rest a decision leaves at once, alone, and under load the calls carry more decisions instead of
 * growing in number: the batch grows with the rate, as the log's group commit does. Used by the HTTP gateway and
 * by the simulation's network, so the seeded fault runs batch phase 2 as a real leader does.
 */
public final class PhaseTwoQueue {

    /** One decision for this participant; {@code acknowledged} completes when its branch is in the decided state. */
    public record Delivery(long txId, Outcome outcome, long decisionIndex, CompletableFuture<Void> acknowledged) {
    }

    private final int maxInFlight;
    private final int maxBatch;
    /** Sends one call; completes once every delivery of the batch has been completed either way. */
    private final Function<List<Delivery>, CompletableFuture<?>> send;
    private final ArrayDeque<Delivery> waiting = new ArrayDeque<>();
    private int inFlight;

    public PhaseTwoQueue(int maxInFlight, int maxBatch, Function<List<Delivery>, CompletableFuture<?>> send) {
        if (maxInFlight < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("maxInFlight and maxBatch must be at least 1, were " + maxInFlight
                    + " and " + maxBatch);
        }
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.send = send;
    }

    public CompletableFuture<Void> deliver(long txId, Outcome outcome, long decisionIndex) {
        Delivery delivery = new Delivery(txId, outcome, decisionIndex, new CompletableFuture<>());
        List<Delivery> batch;
        synchronized (this) {
            waiting.add(delivery);
            batch = nextBatch();
        }
        if (batch != null) {
            dispatch(batch);
        }
        return delivery.acknowledged();
    }

    /** The waiting decisions, if a call may start now (then it counts as under way). */
    private List<Delivery> nextBatch() {
        if (inFlight >= maxInFlight || waiting.isEmpty()) {
            return null;
        }
        inFlight++;
        List<Delivery> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
        while (batch.size() < maxBatch && !waiting.isEmpty()) {
            batch.add(waiting.poll());
        }
        return batch;
    }

    private void dispatch(List<Delivery> batch) {
        CompletableFuture<?> call;
        try {
            call = send.apply(batch);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((ignored, failure) -> {
            if (failure != null) {
                batch.forEach(delivery -> delivery.acknowledged().completeExceptionally(failure));
            }
            List<Delivery> next;
            synchronized (this) {
                inFlight--;
                next = nextBatch();
            }
            if (next != null) {
                dispatch(next);
            }
        });
    }

    /** Decisions waiting for a call (for tests). */
    synchronized int waiting() {
        return waiting.size();
    }
}
