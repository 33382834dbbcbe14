package dev.verdict.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.coordinator.log.LogOverloadedException;
import dev.verdict.coordinator.log.NoQuorumException;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

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

    @Test
    void aMalformedIdIsA400InTheRequestsTerms() throws NoSuchMethodException {
        MethodParameter txId = new MethodParameter(
                TransactionController.class.getDeclaredMethod("status", long.class), 0);
        ResponseEntity<ProblemDetail> answer = advice.invalid(new MethodArgumentTypeMismatchException("abc", long.class,
                "txId", txId, new NumberFormatException("For input string: \"abc\"")));

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getBody().getProperties()).containsEntry("code", "VALIDATION_FAILED");
        assertThat(answer.getBody().getDetail()).isEqualTo("txId: must be an integer");
    }
}
