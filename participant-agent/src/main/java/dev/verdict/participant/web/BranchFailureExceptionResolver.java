package dev.verdict.participant.web;

import dev.verdict.participant.branch.BranchWorkRunner;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Sees every exception a handler throws, before the app's own exception handlers turn it into a response the
 * branch filter cannot tell from success, and marks the current branch failed (it will vote NO). Resolves
 * nothing itself.
 */
public final class BranchFailureExceptionResolver implements HandlerExceptionResolver, Ordered {

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception ex) {
        BranchWorkRunner.markCurrentFailed(ex);
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
