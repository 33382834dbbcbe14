package dev.verdict.participant.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.participant.coordinator.CoordinatorProblemException;
import dev.verdict.participant.support.CoordinatorApiStub;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.coordinator.DeclarationSeal;
import dev.verdict.protocol.coordinator.IdLease;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The client's side of id leases: begins are minted from the lease without a call, a new lease is asked for
 * before the current one runs out (of ids or of life), every deadline stays inside the lease's life by the clock
 * margin, and while no lease serves, begins are left to a coordinator.
 */
class LeasedIdsTest {

    static final String KEY = "the-coordinators-declaration-key-0123456789";
    static final DeclarationSeal COORDINATORS = new DeclarationSeal(KEY);
    static final ParticipantAddress A = new ParticipantAddress("a", "http://a");
    static final ParticipantAddress B = new ParticipantAddress("b", "http://b");
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    final Leasing coordinator = new Leasing();
    /** Asks for a lease at once, on the caller's thread: each begin shows what it asked for. */
    final LeasedIds ids = new LeasedIds(coordinator, clock, Runnable::run);

    @Test
    void withoutALeaseTheBeginIsLeftToACoordinatorAndALeaseIsAskedFor() {
        assertThat(ids.begin(TIMEOUT, List.of(A, B))).isEmpty();
        assertThat(coordinator.leases.get()).isEqualTo(1);

        GlobalTransaction tx = ids.begin(TIMEOUT, List.of(A, B)).orElseThrow();

        assertThat(tx.txId()).isEqualTo(coordinator.lastLease.firstTxId());
        assertThat(tx.deadline()).isEqualTo(clock.instant().plus(TIMEOUT));
        assertThat(tx.deferred()).isTrue();
        assertThat(tx.declared()).containsExactly(A, B);
        assertThat(COORDINATORS.verify(tx.declaration(), tx.txId(), B, clock.instant())).contains(tx.deadline());
        assertThat(COORDINATORS.verifyDeclared(tx.declaration(), tx.txId(), List.of(A, B))).contains(tx.deadline());
        assertThat(coordinator.leases.get()).as("a fresh lease is not renewed").isEqualTo(1);
    }

    @Test
    void idsComeInOrderAndANewLeaseIsAskedForWhenAQuarterIsLeft() {
        coordinator.size = 8;
        ids.begin(TIMEOUT, List.of(A));
        IdLease first = coordinator.lastLease;

        List<Long> minted = java.util.stream.IntStream.range(0, 6)
                .mapToObj(i -> ids.begin(TIMEOUT, List.of(A)).orElseThrow().txId()).toList();
        assertThat(minted).containsExactly(first.firstTxId(), first.firstTxId() + 1, first.firstTxId() + 2,
                first.firstTxId() + 3, first.firstTxId() + 4, first.firstTxId() + 5);
        assertThat(coordinator.leases.get()).as("two of eight left").isEqualTo(1);

        long seventh = ids.begin(TIMEOUT, List.of(A)).orElseThrow().txId();

        assertThat(seventh).isEqualTo(first.firstTxId() + 6);
        assertThat(coordinator.leases.get()).as("one left: renewed").isEqualTo(2);
        assertThat(ids.begin(TIMEOUT, List.of(A)).orElseThrow().txId()).isEqualTo(coordinator.lastLease.firstTxId());
    }

    @Test
    void everyDeadlineStaysInsideTheLeasesLifeByTheClockMargin() {
        ids.begin(TIMEOUT, List.of(A));
        IdLease lease = coordinator.lastLease;
        coordinator.failWith = new IllegalStateException("no coordinator reachable");
        // the last moment a 10 s transaction may begin under this lease
        clock.set(lease.liveUntil().minus(LeasedIds.CLOCK_MARGIN).minus(TIMEOUT));

        GlobalTransaction last = ids.begin(TIMEOUT, List.of(A)).orElseThrow();
        clock.advance(Duration.ofMillis(1));

        assertThat(last.deadline()).isEqualTo(lease.liveUntil().minus(LeasedIds.CLOCK_MARGIN));
        assertThat(ids.begin(TIMEOUT, List.of(A))).as("a millisecond later, too near the end").isEmpty();
        assertThat(ids.begin(Duration.ofSeconds(1), List.of(A))).as("a shorter one still fits").isPresent();
    }

    @Test
    void aLeaseIsRenewedAheadOfTheEndOfItsUsefulLife() {
        ids.begin(TIMEOUT, List.of(A));
        IdLease lease = coordinator.lastLease;
        Instant lastUsefulStart = lease.liveUntil().minus(LeasedIds.CLOCK_MARGIN).minus(TIMEOUT);

        clock.set(lastUsefulStart.minus(LeasedIds.RENEW_AHEAD));
        ids.begin(TIMEOUT, List.of(A));
        assertThat(coordinator.leases.get()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        GlobalTransaction tx = ids.begin(TIMEOUT, List.of(A)).orElseThrow();

        assertThat(tx.txId()).as("still from the old lease").isBetween(lease.firstTxId(), lease.lastTxId());
        assertThat(coordinator.leases.get()).as("renewed meanwhile").isEqualTo(2);
        assertThat(ids.begin(TIMEOUT, List.of(A)).orElseThrow().txId()).isEqualTo(coordinator.lastLease.firstTxId());
    }

    @Test
    void coordinatorsThatLeaseNoIdsAreAskedAgainOnlyAfterAMinute() {
        coordinator.failWith = new CoordinatorProblemException(409, Optional.of(ErrorCode.ID_LEASES_DISABLED),
                "coordinator answered 409 ID_LEASES_DISABLED", null);

        assertThat(ids.begin(TIMEOUT, List.of(A))).isEmpty();
        clock.advance(LeasedIds.RETRY_WHEN_DISABLED.minusMillis(1));
        assertThat(ids.begin(TIMEOUT, List.of(A))).isEmpty();
        assertThat(coordinator.leases.get()).isEqualTo(1);

        coordinator.failWith = null;
        clock.advance(Duration.ofMillis(1));
        assertThat(ids.begin(TIMEOUT, List.of(A))).isEmpty();
        assertThat(coordinator.leases.get()).isEqualTo(2);
        assertThat(ids.begin(TIMEOUT, List.of(A))).isPresent();
    }

    @Test
    void aFailedAskIsRetriedAfterASecond() {
        coordinator.failWith = new IllegalStateException("no coordinator reachable");
        ids.begin(TIMEOUT, List.of(A));
        ids.begin(TIMEOUT, List.of(A));
        assertThat(coordinator.leases.get()).isEqualTo(1);

        clock.advance(LeasedIds.RETRY_AFTER_FAILURE);
        ids.begin(TIMEOUT, List.of(A));
        assertThat(coordinator.leases.get()).isEqualTo(2);
    }

    @Test
    void nothingToSealOrTooMuchIsLeftToACoordinator() {
        ids.begin(TIMEOUT, List.of(A));
        List<ParticipantAddress> tooMany = java.util.stream.IntStream.rangeClosed(0, DeclarationSeal.MAX_PARTICIPANTS)
                .mapToObj(i -> new ParticipantAddress("p" + i, "http://p" + i)).toList();

        assertThat(ids.begin(TIMEOUT, List.of())).isEmpty();
        assertThat(ids.begin(TIMEOUT, tooMany)).isEmpty();
        assertThat(ids.begin(TIMEOUT, List.of(A)).orElseThrow().txId()).as("no id was spent")
                .isEqualTo(coordinator.lastLease.firstTxId());
    }

    /** Hands out leases of consecutive blocks, live 120 s from the clock's now, as the coordinators do. */
    final class Leasing extends CoordinatorApiStub {

        final AtomicInteger leases = new AtomicInteger();
        int size = 1_024;
        long nextFirst = 1;
        IdLease lastLease;
        RuntimeException failWith;

        @Override
        public IdLease leaseIds() {
            leases.incrementAndGet();
            if (failWith != null) {
                throw failWith;
            }
            lastLease = COORDINATORS.lease(nextFirst, nextFirst + size - 1, clock.instant().plusSeconds(120));
            nextFirst += size;
            return lastLease;
        }
    }

    static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
