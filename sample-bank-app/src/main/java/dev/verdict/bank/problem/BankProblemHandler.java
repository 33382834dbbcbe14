package dev.verdict.bank.problem;

import dev.verdict.protocol.http.ProblemDetails;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error of the bank's own controllers (both roles) as an RFC 9457 problem with a stable {@code code}: bad
 * input is a 4xx, never a 500. Scoped to the bank's packages so the participant agent's 2PC endpoints keep
 * their own handling; requests that reach no controller end in {@link ErrorPageController}.
 */
@RestControllerAdvice(basePackages = "dev.verdict.bank")
public class BankProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(BankProblemHandler.class);

    @ExceptionHandler(BankException.class)
    ResponseEntity<ProblemDetail> bank(BankException e) {
        if (e.error().status() >= 500) {
            log.warn("{}: {}", e.error(), e.getMessage());
        }
        return ResponseEntity.status(e.error().status()).body(Problems.of(e));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected failure", e);
        return ResponseEntity.internalServerError()
                .body(Problems.of(BankError.INTERNAL_ERROR, "unexpected failure: " + e.getClass().getSimpleName()));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return handleExceptionInternal(ex, invalid(ex), headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return handleExceptionInternal(ex, invalid(ex), headers, status, request);
    }

    /** An unreadable body; a non-integer amount (1.5, "ten") is INVALID_AMOUNT, anything else MALFORMED_REQUEST. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String field = null;
        for (Throwable t = ex; t != null && field == null; t = t.getCause()) {
            if (t instanceof JacksonException json && !json.getPath().isEmpty()) {
                field = json.getPath().getLast().getPropertyName();
            }
        }
        ProblemDetail problem = "amount".equals(field)
                ? Problems.of(BankError.INVALID_AMOUNT, "amount must be a whole number of minor units")
                : Problems.of(BankError.MALFORMED_REQUEST, "request body is not JSON of the expected shape"
                        + (field == null ? "" : " (field '" + field + "')"));
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    /** A path variable or parameter of the wrong type, named in the request's terms ("id: must be an integer"). */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return handleExceptionInternal(ex, invalid(ex), headers, status, request);
    }

    /**
     * VALIDATION_FAILED in the words the coordinator and the agents use ({@link ProblemDetails#errorsOf}): one
     * {@code "name: message"} per error, in {@code errors} and joined in the detail.
     */
    private static ProblemDetail invalid(Exception ex) {
        List<String> errors = ProblemDetails.errorsOf(ex);
        return Problems.of(BankError.VALIDATION_FAILED, String.join("; ", errors), Map.of("errors", errors));
    }

    /** Gives the framework's problems (400, 404, 405, 415, ...) a code too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail p ? p : ProblemDetail.forStatus(status);
        if (problem.getProperties() == null || !problem.getProperties().containsKey("code")) {
            BankError code = BankError.forStatus(status.value());
            problem.setType(code.type());
            problem.setTitle(code.title());
            problem.setProperty("code", code.name());
        }
        return super.handleExceptionInternal(ex, problem, headers, status, request);
    }
}
