package dev.verdict.participant.endpoint;

import dev.verdict.participant.branch.BranchException;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.http.ProblemDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Problem details for the 2PC endpoints: bad input is a 400 with a code, never a 500. Scoped to the agent's
 * controller so the app's own error handling is left alone.
 */
@RestControllerAdvice(assignableTypes = BranchController.class)
public class BranchProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(BranchProblemHandler.class);

    @ExceptionHandler(BranchException.class)
    ProblemDetail branch(BranchException e) {
        if (e.code().status() >= 500) {
            log.warn("{}: {}", e.code(), e.getMessage());
        }
        return ProblemDetails.of(e.code(), e.getMessage());
    }

    @ExceptionHandler({MethodArgumentNotValidException.class, HandlerMethodValidationException.class,
            MethodArgumentTypeMismatchException.class})
    ProblemDetail invalid(Exception e) {
        return ProblemDetails.invalid(e);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        return ProblemDetails.of(ErrorCode.MALFORMED_REQUEST, "request body cannot be read as JSON of the expected shape");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ProblemDetail mediaType(HttpMediaTypeNotSupportedException e) {
        return ProblemDetails.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ProblemDetail method(HttpRequestMethodNotSupportedException e) {
        return ProblemDetails.of(ErrorCode.METHOD_NOT_ALLOWED, e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected failure in a 2PC endpoint", e);
        ProblemDetail problem = ProblemDetails.of(ErrorCode.INTERNAL_ERROR, "unexpected failure; the operation may be retried");
        problem.setStatus(HttpStatus.INTERNAL_SERVER_ERROR.value());
        return problem;
    }
}
