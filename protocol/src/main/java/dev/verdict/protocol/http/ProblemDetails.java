package dev.verdict.protocol.http;

import dev.verdict.protocol.ErrorCode;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;

/**
 * The RFC 9457 problem details every Verdict endpoint answers errors with (the coordinator's API and the agents'
 * 2PC endpoints): the {@link ErrorCode}'s type and title, and its name as the {@code code} member clients switch on.
 */
public final class ProblemDetails {

    private ProblemDetails() {
    }

    public static ProblemDetail of(ErrorCode code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(code.status()), detail);
        problem.setType(code.type());
        problem.setTitle(code.title());
        problem.setProperty("code", code.name());
        return problem;
    }

    /**
     * VALIDATION_FAILED for a request Spring MVC could not bind or validate: one {@code "name: message"} per error,
     * in {@code errors} and joined in the detail, in terms of the request (a field, a path variable), never of the
     * Java method behind it.
     */
    public static ProblemDetail invalid(Exception e) {
        List<String> errors = errorsOf(e);
        ProblemDetail problem = of(ErrorCode.VALIDATION_FAILED, String.join("; ", errors));
        problem.setProperty("errors", errors);
        return problem;
    }

    /** What {@link #invalid} says of each error: {@code "name: message"}, for handlers with codes of their own. */
    public static List<String> errorsOf(Exception e) {
        return switch (e) {
            case MethodArgumentNotValidException body -> body.getBindingResult().getFieldErrors().stream()
                    .map(field -> field.getField() + ": " + field.getDefaultMessage())
                    .sorted()
                    .toList();
            case HandlerMethodValidationException arguments -> arguments.getParameterValidationResults().stream()
                    .flatMap(result -> result.getResolvableErrors().stream()
                            .map(error -> nameOf(error, result.getMethodParameter().getParameterName())
                                    + ": " + error.getDefaultMessage()))
                    .sorted()
                    .toList();
            // a path variable or parameter (MethodArgumentTypeMismatchException), or any other value of the wrong type
            case TypeMismatchException mismatch -> List.of(Objects.requireNonNullElse(mismatch.getPropertyName(), "value")
                    + ": must be " + expected(mismatch.getRequiredType()));
            default -> List.of(String.valueOf(e.getMessage()));
        };
    }

    private static String nameOf(MessageSourceResolvable error, String parameter) {
        return error instanceof FieldError field ? field.getField() : parameter;
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type == long.class || type == Long.class || type == int.class || type == Integer.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return "a " + type.getSimpleName();
    }
}
