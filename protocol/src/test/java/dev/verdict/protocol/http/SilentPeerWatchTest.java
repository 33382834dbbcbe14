package dev.verdict.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;

/** The watch's rules, on a clock and a probe the test sets: which peers are probed, which calls are cancelled. */
class SilentPeerWatchTest {

    private static final HttpHost GONE = new HttpHost("http", "gone", 8080);
    private static final HttpHost ALIVE = new HttpHost("http", "alive", 8080);
    private static final long SUSPECT = SilentPeerWatch.SUSPECT_AFTER.toNanos();

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<HttpHost> probed = new ArrayList<>();
    private final SilentPeerWatch watch = new SilentPeerWatch(now::get, peer -> {
        probed.add(peer);
        return !peer.equals(GONE);
    }, false);

    /** A call's cancel handle that records whether it was used. */
    private static final class Call implements org.apache.hc.core5.concurrent.Cancellable {
        private final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public boolean cancel() {
            return cancelled.compareAndSet(false, true);
        }

        boolean cancelled() {
            return cancelled.get();
        }
    }

    @Test
    void onlyPeersWithACallSilentForLongerThanTheSuspicionAreProbed() {
        watch.begin(GONE, new Call());
        now.addAndGet(SUSPECT);
        watch.begin(ALIVE, new Call());

        assertThat(watch.suspects(now.get())).as("exactly the suspicion's age is not yet suspect").isEmpty();
        now.addAndGet(1);
        assertThat(watch.suspects(now.get())).containsExactly(GONE);
        now.addAndGet(SUSPECT);
        assertThat(Set.copyOf(watch.suspects(now.get()))).containsExactlyInAnyOrder(GONE, ALIVE);
    }

    @Test
    void aPeerThatTakesNoConnectionHasItsSilentCallsCancelled() {
        Call first = new Call();
        Call second = new Call();
        Call elsewhere = new Call();
        watch.begin(GONE, first);
        watch.begin(GONE, second);
        watch.begin(ALIVE, elsewhere);
        now.addAndGet(SUSPECT + 1);

        watch.probeAndCancel(GONE, now.get());

        assertThat(first.cancelled()).isTrue();
        assertThat(second.cancelled()).isTrue();
        assertThat(elsewhere.cancelled()).isFalse();
        assertThat(watch.suspects(now.get())).as("the cancelled calls are no longer watched").containsExactly(ALIVE);
    }

    @Test
    void aSlowPeerThatTakesConnectionsKeepsItsCalls() {
        Call slow = new Call();
        watch.begin(ALIVE, slow);
        now.addAndGet(10 * SUSPECT);

        watch.probeAndCancel(ALIVE, now.get());

        assertThat(probed).containsExactly(ALIVE);
        assertThat(slow.cancelled()).isFalse();
        assertThat(watch.suspects(now.get())).as("still watched: probed again next sweep").containsExactly(ALIVE);
    }

    @Test
    void aCallBegunAfterTheProbeStartedIsLeftToTheNextSweep() {
        Call old = new Call();
        watch.begin(GONE, old);
        now.addAndGet(SUSPECT + 1);
        long probeStarted = now.get();
        now.addAndGet(1);
        Call fresh = new Call();
        watch.begin(GONE, fresh);

        watch.probeAndCancel(GONE, probeStarted);

        assertThat(old.cancelled()).isTrue();
        assertThat(fresh.cancelled()).isFalse();
    }

    @Test
    void aCallThatEndedIsNeitherProbedNorCancelled() {
        Call answered = new Call();
        SilentPeerWatch.Exchange exchange = watch.begin(GONE, answered);
        watch.end(exchange);
        now.addAndGet(10 * SUSPECT);

        assertThat(watch.suspects(now.get())).isEmpty();
        watch.probeAndCancel(GONE, now.get());
        assertThat(answered.cancelled()).isFalse();
    }
}
