package dev.verdict.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.protocol.ErrorCode;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Bad input is answered in the request's own terms: which field or path variable, and what it must be. */
class ProblemDetailsTest {

    record PhaseTwoLike(long decisionIndex, String outcome) {
    }

    @SuppressWarnings("unused")
    private void commit(long txId, PhaseTwoLike request) {
    }

    @Test
    void aProblemCarriesItsCodesTypeTitleStatusAndName() {
        ProblemDetail problem = ProblemDetails.of(ErrorCode.TRANSACTION_NOT_FOUND, "transaction 7 is unknown");

        assertThat(problem.getStatus()).isEqualTo(404);
        assertThat(problem.getType()).isEqualTo(ErrorCode.TRANSACTION_NOT_FOUND.type());
        assertThat(problem.getTitle()).isEqualTo(ErrorCode.TRANSACTION_NOT_FOUND.title());
        assertThat(problem.getDetail()).isEqualTo("transaction 7 is unknown");
        assertThat(problem.getProperties()).containsEntry("code", "TRANSACTION_NOT_FOUND");
    }

    @Test
    void aBodyThatFailsValidationNamesEachFieldAndNotTheJavaMethod() throws Exception {
        BeanPropertyBindingResult result = new BeanPropertyBindingResult(new PhaseTwoLike(-1, ""), "phaseTwoLike");
        result.addError(new FieldError("phaseTwoLike", "outcome", "", false, null, null, "must not be blank"));
        result.addError(new FieldError("phaseTwoLike", "decisionIndex", -1L, false, null, null,
                "must be greater than or equal to 0"));
        MethodArgumentNotValidException invalid = new MethodArgumentNotValidException(parameter(1), result);

        ProblemDetail problem = ProblemDetails.invalid(invalid);

        assertThat(problem.getStatus()).isEqualTo(400);
        assertThat(problem.getProperties()).containsEntry("code", "VALIDATION_FAILED");
        assertThat(problem.getDetail())
                .isEqualTo("decisionIndex: must be greater than or equal to 0; outcome: must not be blank");
        assertThat(problem.getProperties()).containsEntry("errors",
                List.of("decisionIndex: must be greater than or equal to 0", "outcome: must not be blank"));
        assertThat(invalid.getMessage()).contains("ProblemDetailsTest.commit"); // what was answered before
    }

    @Test
    void aPathVariableOfTheWrongTypeSaysWhatItMustBe() throws Exception {
        MethodArgumentTypeMismatchException mismatch = new MethodArgumentTypeMismatchException("abc", long.class,
                "txId", parameter(0), new NumberFormatException("For input string: \"abc\""));

        ProblemDetail problem = ProblemDetails.invalid(mismatch);

        assertThat(problem.getProperties()).containsEntry("code", "VALIDATION_FAILED");
        assertThat(problem.getDetail()).isEqualTo("txId: must be an integer");
    }

    private MethodParameter parameter(int index) throws NoSuchMethodException {
        Method commit = ProblemDetailsTest.class.getDeclaredMethod("commit", long.class, PhaseTwoLike.class);
        return new MethodParameter(commit, index);
    }
}
