package dev.verdict.coordinator.api;

import dev.verdict.coordinator.commit.CoordinatorException;
import dev.verdict.coordinator.log.LogOverloadedException;
import dev.verdict.coordinator.log.NoQuorumException;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.http.ProblemDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error leaves as RFC 9457 problem details with a stable {@code code} (see {@link ErrorCode}); bad input
 * is a 4xx with what was wrong, never a 500.
 */
@RestControllerAdvice
class ProblemDetailsAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(CoordinatorException.class)
    ResponseEntity<ProblemDetail> refused(CoordinatorException e) {
        return problem(e.code(), e.getMessage());
    }

    /** Nothing was applied; another node, or this one a moment later, may take the request. */
    @ExceptionHandler(LogOverloadedException.class)
    ResponseEntity<ProblemDetail> overloaded(LogOverloadedException e) {
        ResponseEntity<ProblemDetail> problem = problem(ErrorCode.COORDINATOR_OVERLOADED,
                "this coordinator node has too many requests waiting for the log; nothing was applied, retry later"
                        + " or at another node");
        return ResponseEntity.status(problem.getStatusCode()).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem.getBody());
    }

    @ExceptionHandler(NoQuorumException.class)
    ResponseEntity<ProblemDetail> noQuorum(NoQuorumException e) {
        return problem(ErrorCode.NO_QUORUM,
                "the coordinator cluster could not reach a quorum in time; for a write, read the status before retrying");
    }

    @ExceptionHandler({MethodArgumentNotValidException.class, HandlerMethodValidationException.class,
            MethodArgumentTypeMismatchException.class, MissingRequestHeaderException.class})
    ResponseEntity<ProblemDetail> invalid(Exception e) {
        return answer(ProblemDetails.invalid(e));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        return problem(ErrorCode.MALFORMED_REQUEST, "request body is not valid JSON of the expected shape");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e) {
        return problem(ErrorCode.NOT_FOUND, "no resource at " + e.getResourcePath());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return problem(ErrorCode.METHOD_NOT_ALLOWED, e.getMessage());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error", e);
        return problem(ErrorCode.INTERNAL_ERROR, "unexpected error; the coordinator logged it");
    }

    private static ResponseEntity<ProblemDetail> problem(ErrorCode code, String detail) {
        return answer(ProblemDetails.of(code, detail));
    }

    private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }
}
