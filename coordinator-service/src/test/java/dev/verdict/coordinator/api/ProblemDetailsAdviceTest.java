package dev.verdict.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.coordinator.log.LogOverloadedException;
import dev.verdict.coordinator.log.NoQuorumException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** The two ways a write cannot be served now: unknown outcome (no quorum), and not sent at all (overloaded). */
class ProblemDetailsAdviceTest {

    private final ProblemDetailsAdvice advice = new ProblemDetailsAdvice();

    @Test
    void anOverloadedNodeAnswers503WithItsOwnCodeAndWhenToRetry() {
        ResponseEntity<ProblemDetail> answer = advice.overloaded(new LogOverloadedException("10000 waiting"));

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(answer.getBody().getProperties()).containsEntry("code", "COORDINATOR_OVERLOADED");
        assertThat(answer.getBody().getDetail()).contains("nothing was applied");
    }

    @Test
    void noQuorumStaysAnUnknownOutcome() {
        ResponseEntity<ProblemDetail> answer = advice.noQuorum(new NoQuorumException("no leader", null));

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "NO_QUORUM");
        assertThat(answer.getBody().getDetail()).contains("read the status before retrying");
    }
}
