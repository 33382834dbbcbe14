package dev.verdict.participant.web;

import dev.verdict.participant.branch.BranchException;
import dev.verdict.participant.branch.BranchWorkRunner;
import dev.verdict.participant.context.CurrentTransaction;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.Headers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Runs requests carrying {@code Verdict-Tx: <txId>} in that transaction's branch (or, in the ANNOTATED scope,
 * only makes the transaction current for {@code @BranchWork} methods); a {@code Verdict-Tx-Declared} seal that
 * comes with it lets the branch open without an enlist call. Work that cannot join the transaction
 * (no longer active, branch failed, coordinator unreachable) is refused with a problem before the app runs.
 * The agent's own endpoints under /verdict/ never run in a branch.
 *
 * <p>A request also marked {@code Verdict-Prepare} (the client's last call to this participant in the
 * transaction) has its answer held back until, its work having succeeded, the branch is prepared: the signed
 * vote then goes out in the {@code Verdict-Vote} header of that answer ({@link LastCallVoter}). Without a
 * declaration key there is nothing to sign with and the mark is ignored.
 */
public final class BranchFilter extends OncePerRequestFilter {

    private final BranchWorkRunner runner;
    private final BranchScope scope;
    private final LastCallVoter lastCallVoter;

    /**
     * @param lastCallVoter votes at the end of calls marked {@code Verdict-Prepare}; null when there is no key to
     *        sign votes with
     */
    public BranchFilter(BranchWorkRunner runner, BranchScope scope, LastCallVoter lastCallVoter) {
        this.runner = runner;
        this.scope = scope;
        this.lastCallVoter = lastCallVoter;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return request.getHeader(Headers.TRANSACTION) == null || path.startsWith("/verdict/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(Headers.TRANSACTION).trim();
        long txId;
        try {
            txId = Long.parseLong(header);
        } catch (NumberFormatException e) {
            txId = 0;
        }
        if (txId <= 0) {
            Problems.write(response, ErrorCode.VALIDATION_FAILED,
                    Headers.TRANSACTION + " must be a positive transaction id, not '" + header + "'",
                    request.getRequestURI());
            return;
        }
        String declaration = request.getHeader(Headers.DECLARATION);
        if (scope == BranchScope.ANNOTATED) {
            try (CurrentTransaction.Scope ignored = CurrentTransaction.enter(txId, declaration)) {
                chain.doFilter(request, response);
            }
            return;
        }
        if (lastCallVoter == null || !"true".equalsIgnoreCase(request.getHeader(Headers.PREPARE))) {
            runInBranch(txId, declaration, request, response, chain);
            return;
        }
        // The vote is a header, so the answer waits in a buffer until the branch is prepared.
        ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response);
        try {
            if (runInBranch(txId, declaration, request, held, chain) && held.getStatus() / 100 == 2) {
                lastCallVoter.prepareAndSign(txId).ifPresent(vote -> held.setHeader(Headers.VOTE, vote));
            }
        } finally {
            held.copyBodyToResponse();
        }
    }

    /** Runs the rest of the chain in the branch; false if the work could not join it (a problem was written). */
    private boolean runInBranch(long txId, String declaration, HttpServletRequest request,
            HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        try {
            runner.run(txId, declaration, () -> {
                chain.doFilter(request, response);
                return null;
            });
            return true;
        } catch (BranchException e) {
            if (response.isCommitted()) {
                throw e;
            }
            Problems.write(response, e.code(), e.getMessage(), request.getRequestURI());
            return false;
        } catch (ServletException | IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ServletException(t);
        }
    }
}
