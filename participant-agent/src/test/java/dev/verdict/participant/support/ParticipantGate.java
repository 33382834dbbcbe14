package dev.verdict.participant.support;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;

/**
 * A test hook in front of a shard's 2PC endpoints ({@code /verdict/v1/branches/{txId}/prepare|commit|abort}):
 * it lets a test freeze the protocol at a chosen point, with the real coordinator on the other side. A call can
 * be <em>held</em> before it reaches the agent until {@link #release()}, or <em>failed</em> with a 503
 * {@code PARTICIPANT_UNAVAILABLE} (the coordinator retries phase 2 on that). It records every call that arrived
 * and every call the agent answered, with the agent's HTTP status. Every call passes by default.
 */
public final class ParticipantGate implements Filter, Ordered {

    /** Phase 1 (prepare) or phase 2 (commit and abort). */
    public enum Step {
        PREPARE, PHASE_TWO;

        static Step of(String call) {
            return call.equals("prepare") ? PREPARE : PHASE_TWO;
        }
    }

    /** A call: "prepare", "commit" or "abort", for txId; status is the agent's answer (0 while unanswered). */
    public record Call(String name, long txId, int status) {
    }

    private static final Pattern PATH = Pattern.compile("/verdict/v1/branches/(\\d+)/(prepare|commit|abort)");
    /** A held call gives up after this long, so a test that forgets to release cannot hang the server. */
    private static final long HOLD_LIMIT_SECONDS = 60;

    private final List<Call> arrived = new CopyOnWriteArrayList<>();
    private final List<Call> answered = new CopyOnWriteArrayList<>();
    private Step holdNext;
    private Step failing;
    private CountDownLatch held = new CountDownLatch(0);

    /** The next call of this step waits before reaching the agent until {@link #release()}; later calls pass. */
    public synchronized void holdNext(Step step) {
        holdNext = step;
        held = new CountDownLatch(1);
    }

    /** Calls of this step are answered 503 PARTICIPANT_UNAVAILABLE without reaching the agent, until {@link #release()}. */
    public synchronized void fail(Step step) {
        failing = step;
    }

    /** Every call passes again; a held call goes on to the agent. */
    public synchronized void release() {
        holdNext = null;
        failing = null;
        held.countDown();
    }

    public boolean arrived(String name, long txId) {
        return arrived.stream().anyMatch(c -> c.name().equals(name) && c.txId() == txId);
    }

    /** Whether the agent itself answered this call with this HTTP status. */
    public boolean answered(String name, long txId, int status) {
        return answered.contains(new Call(name, txId, status));
    }

    public List<Call> answered() {
        return List.copyOf(answered);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Matcher path = PATH.matcher(((HttpServletRequest) request).getRequestURI());
        if (!path.matches()) {
            chain.doFilter(request, response);
            return;
        }
        Call call = new Call(path.group(2), Long.parseLong(path.group(1)), 0);
        arrived.add(call);
        Step step = Step.of(call.name());
        CountDownLatch waitFor = null;
        synchronized (this) {
            if (holdNext == step) {
                holdNext = null;
                waitFor = held;
            }
        }
        if (waitFor != null) {
            await(waitFor);
        }
        boolean fail;
        synchronized (this) {
            fail = failing == step;
        }
        if (fail) {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setStatus(503);
            http.setContentType("application/problem+json");
            http.getOutputStream().write("{\"status\":503,\"code\":\"PARTICIPANT_UNAVAILABLE\",\"detail\":\"failed by the test\"}"
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
        answered.add(new Call(call.name(), call.txId(), ((HttpServletResponse) response).getStatus()));
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("held call never released (test bug)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while held", e);
        }
    }

    /** Runs before every other filter, so a held or failed call never reaches the agent. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
