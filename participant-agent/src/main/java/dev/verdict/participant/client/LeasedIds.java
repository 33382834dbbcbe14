package dev.verdict.participant.client;

import dev.verdict.participant.coordinator.CoordinatorProblemException;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.DeclarationSeal;
import dev.verdict.protocol.coordinator.IdLease;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deferred begins with no call at all: the client mints the ids itself, from a block the coordinators leased it
 * ({@link IdLease}), and seals each transaction's declared participants with the lease's key. Its commit or abort
 * brings the Begin to the log exactly as for a deferred begin a coordinator answered (docs/protocol.md, "Id
 * leases").
 *
 * <p>Never blocks a begin: a lease is asked for in the background, before the current one runs out of ids or of
 * life, and while none can serve a begin, {@link #begin} answers empty and the caller asks a coordinator. A
 * transaction's deadline stays {@link #CLOCK_MARGIN} inside its lease's life, since the lease's end is the
 * coordinators' clock and the deadline this client's. Thread-safe.
 */
final class LeasedIds {

    private static final Logger log = LoggerFactory.getLogger(LeasedIds.class);

    /** How far inside a lease's life every deadline stays: the client's and the coordinators' clocks may disagree. */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(30);
    /** A new lease is asked for this long before the current one can no longer serve a begin. */
    static final Duration RENEW_AHEAD = Duration.ofSeconds(20);
    /** After a failed ask, the next waits this long; when the cluster leases no ids, much longer. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    static final Duration RETRY_WHEN_DISABLED = Duration.ofMinutes(1);

    private final CoordinatorApi coordinator;
    private final Clock clock;
    private final Executor background;

    private IdLease lease;
    private long next;
    private boolean asking;
    private Instant noAskBefore = Instant.MIN;

    LeasedIds(CoordinatorApi coordinator, Clock clock, Executor background) {
        this.coordinator = coordinator;
        this.clock = clock;
        this.background = background;
    }

    /**
     * A deferred transaction begun from the current lease, or empty when no lease can serve it (none yet, used up,
     * or too near its end for this timeout) or there are too many participants to seal.
     */
    Optional<GlobalTransaction> begin(Duration timeout, List<ParticipantAddress> participants) {
        if (participants.isEmpty() || participants.size() > DeclarationSeal.MAX_PARTICIPANTS) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant deadline = now.plus(timeout);
        IdLease current;
        long txId;
        synchronized (this) {
            current = lease;
            boolean serves = current != null && next <= current.lastTxId()
                    && !deadline.plus(CLOCK_MARGIN).isAfter(current.liveUntil());
            txId = serves ? next++ : 0;
            if (needsRenewal(now, timeout) && !asking && !now.isBefore(noAskBefore)) {
                asking = true;
                try {
                    background.execute(this::askForLease);
                } catch (RuntimeException e) {
                    asking = false; // asked again by a later begin
                    log.debug("could not start asking for an id lease: {}", e.toString());
                }
            }
            if (!serves) {
                return Optional.empty();
            }
        }
        String declaration = DeclarationSeal.sealLeased(current, txId, deadline, participants).orElseThrow();
        return Optional.of(new GlobalTransaction(txId, deadline, declaration, participants, true));
    }

    /** Under the lock: when the current lease has a quarter of its ids left, or will soon be too old for this timeout. */
    private boolean needsRenewal(Instant now, Duration timeout) {
        if (lease == null) {
            return true;
        }
        long size = lease.lastTxId() - lease.firstTxId() + 1;
        long left = lease.lastTxId() - next + 1;
        Instant lastUsefulStart = lease.liveUntil().minus(CLOCK_MARGIN).minus(timeout).minus(RENEW_AHEAD);
        return left < size / 4 || now.isAfter(lastUsefulStart);
    }

    private void askForLease() {
        IdLease fresh = null;
        Duration pause = Duration.ZERO;
        try {
            fresh = coordinator.leaseIds();
        } catch (CoordinatorProblemException e) {
            pause = e.is(ErrorCode.ID_LEASES_DISABLED) ? RETRY_WHEN_DISABLED : RETRY_AFTER_FAILURE;
            log.debug("no id lease from the coordinators ({}); begins ask a coordinator meanwhile", e.getMessage());
        } catch (RuntimeException e) {
            pause = RETRY_AFTER_FAILURE;
            log.debug("no id lease from the coordinators ({}); begins ask a coordinator meanwhile", e.toString());
        }
        synchronized (this) {
            asking = false;
            if (fresh != null) {
                lease = fresh;
                next = fresh.firstTxId();
            } else {
                noAskBefore = clock.instant().plus(pause);
            }
        }
    }
}
