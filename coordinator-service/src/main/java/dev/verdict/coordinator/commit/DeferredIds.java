package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.coordinator.log.FailureCause;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Transaction ids for this node's deferred begins, handed out from blocks it reserves through the log, so a
 * deferred begin costs no log write of its own: one ReserveIds entry serves {@link #BLOCK_SIZE} of them.
 *
 * <p>A block's ids are handed out for {@link #MINT_FOR_MILLIS} at most, and the table keeps it live long enough
 * after that for any deadline given meanwhile to pass ({@link #LIVE_FOR_MILLIS}): while it is live the table can
 * tell an id of it that was never logged, which is what makes presumed abort safe for deferred transactions.
 * Clocks only matter to liveness here: a begin from a block that died early is refused at commit, and aborts.
 */
public final class DeferredIds {

    public static final int BLOCK_SIZE = 1_024;
    static final long MINT_FOR_MILLIS = 30_000;
    /** Minting window, the longest deferred timeout, and a margin for clocks that disagree. */
    static final long LIVE_FOR_MILLIS = MINT_FOR_MILLIS + BeginTransactionRequest.MAX_DEFERRED_TIMEOUT_MS + 30_000;

    private final DecisionLog log;
    private final Scheduler clock;
    private long next = 1;
    private long last;
    private long mintUntilMillis;
    /** The reservation in flight, or null: concurrent callers share it instead of reserving a block each. */
    private CompletableFuture<Void> reserving;

    public DeferredIds(DecisionLog log, Scheduler clock) {
        this.log = log;
        this.clock = clock;
    }

    /** A fresh id; fails with the log's failure when a new block is needed and cannot be reserved. */
    public CompletableFuture<Long> next() {
        CompletableFuture<Void> reservation;
        boolean mine = false;
        synchronized (this) {
            if (next <= last && clock.nowMillis() < mintUntilMillis) {
                return CompletableFuture.completedFuture(next++);
            }
            if (reserving == null) {
                reserving = new CompletableFuture<>();
                mine = true;
            }
            reservation = reserving;
        }
        if (mine) {
            // reserved outside the lock: a log may apply it, and complete it, on this very thread
            reserveBlock(log).whenComplete((block, failure) -> {
                synchronized (this) {
                    reserving = null;
                    if (failure == null) {
                        use(block);
                    }
                }
                // every waiter hears the end of the reservation, whatever it was
                if (failure == null) {
                    reservation.complete(null);
                } else {
                    reservation.completeExceptionally(FailureCause.of(failure));
                }
            });
        }
        // once the block is in, ask again (a caller that finds it used up already reserves the next one)
        return reservation.thenCompose(ignored -> next());
    }

    /**
     * Reserves one block through the log, live for {@link #LIVE_FOR_MILLIS}: this node's own (above), or a
     * client's id lease, handed over whole. Fails when the log does, or answers anything but a block.
     */
    static CompletableFuture<TxResult.Reserved> reserveBlock(DecisionLog log) {
        return log.propose(new TxCommand.ReserveIds(BLOCK_SIZE, LIVE_FOR_MILLIS)).thenApply(result -> {
            if (result instanceof TxResult.Reserved reserved) {
                return reserved;
            }
            throw new IllegalStateException("unexpected answer to ReserveIds: " + result);
        });
    }

    private void use(TxResult.Reserved block) {
        next = block.firstTxId();
        last = block.lastTxId();
        long now = clock.nowMillis();
        long mintWindowEnd = block.liveUntilMillis() - (LIVE_FOR_MILLIS - MINT_FOR_MILLIS);
        // at least the callers waiting for this block get ids from it, however far the clocks disagree
        mintUntilMillis = Math.max(now + 1, Math.min(now + MINT_FOR_MILLIS, mintWindowEnd));
    }
}
