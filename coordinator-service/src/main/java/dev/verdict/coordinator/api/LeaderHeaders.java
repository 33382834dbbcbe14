package dev.verdict.coordinator.api;

import dev.verdict.coordinator.cluster.CoordinatorProperties;
import dev.verdict.coordinator.log.DecisionLog;
import dev.verdict.protocol.Headers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Every answer of the API names the node that answered ({@link Headers#NODE}) and the leader it knows to be ready
 * ({@link Headers#LEADER}), error answers included, so a client learns where to send its calls: at the leader a
 * begin or commit skips the hop through this node's Raft client, and a commit overlaps its PREPARE round with the
 * write that starts it. The headers are set before the call is handled, so they say what the node knew when the
 * call came in.
 */
@Configuration(proxyBeanMethods = false)
class LeaderHeaders implements WebMvcConfigurer, HandlerInterceptor {

    private final DecisionLog log;
    private final String nodeId;

    LeaderHeaders(DecisionLog log, CoordinatorProperties properties) {
        this.log = log;
        this.nodeId = properties.nodeId();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/v1/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        response.setHeader(Headers.NODE, nodeId);
        log.readyLeader().ifPresent(leader -> response.setHeader(Headers.LEADER, leader));
        return true;
    }
}
