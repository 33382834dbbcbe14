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

/**
 * Runs requests carrying {@code Verdict-Tx: <txId>} in that transaction's branch (or, in the ANNOTATED scope,
 * only makes the transaction current for {@code @BranchWork} methods); a {@code Verdict-Tx-Declared} seal that
 * comes with it lets the branch open without an enlist call. Work that cannot join the transaction
 * (no longer active, branch failed, coordinator unreachable) is refused with a problem before the app runs.
 * The agent's own endpoints under /verdict/ never run in a branch.
 */
public final class BranchFilter extends OncePerRequestFilter {

    private final BranchWorkRunner runner;
    private final BranchScope scope;

    public BranchFilter(BranchWorkRunner runner, BranchScope scope) {
        this.runner = runner;
        this.scope = scope;
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
        try {
            runner.run(txId, declaration, () -> {
                chain.doFilter(request, response);
                return null;
            });
        } catch (BranchException e) {
            if (response.isCommitted()) {
                throw e;
            }
            Problems.write(response, e.code(), e.getMessage(), request.getRequestURI());
        } catch (ServletException | IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ServletException(t);
        }
    }
}
