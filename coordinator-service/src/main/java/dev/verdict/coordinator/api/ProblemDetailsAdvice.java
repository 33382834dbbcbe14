package dev.verdict.coordinator.api;

import dev.verdict.coordinator.commit.CoordinatorException;
import dev.verdict.coordinator.log.LogOverloadedException;
import dev.verdict.coordinator.log.NoQuorumException;
import dev.verdict.protocol.ErrorCode;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
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
        return problem(e.code(), e.getMessage(), null);
    }

    /** Nothing was applied; another node, or this one a moment later, may take the request. */
    @ExceptionHandler(LogOverloadedException.class)
    ResponseEntity<ProblemDetail> overloaded(LogOverloadedException e) {
        ResponseEntity<ProblemDetail> problem = problem(ErrorCode.COORDINATOR_OVERLOADED,
                "this coordinator node has too many requests waiting for the log; nothing was applied, retry later"
                        + " or at another node", null);
        return ResponseEntity.status(problem.getStatusCode()).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem.getBody());
    }

    @ExceptionHandler(NoQuorumException.class)
    ResponseEntity<ProblemDetail> noQuorum(NoQuorumException e) {
        return problem(ErrorCode.NO_QUORUM,
                "the coordinator cluster could not reach a quorum in time; for a write, read the status before retrying",
                null);
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ProblemDetail> invalidBody(MethodArgumentNotValidException e) {
        List<String> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> f.getField() + ": " + f.getDefaultMessage())
                .toList();
        return problem(ErrorCode.VALIDATION_FAILED, String.join("; ", errors), errors);
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ProblemDetail> invalidArguments(HandlerMethodValidationException e) {
        List<String> errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream().map(error -> {
                    String name = error instanceof FieldError field ? field.getField()
                            : result.getMethodParameter().getParameterName();
                    return name + ": " + error.getDefaultMessage();
                }))
                .toList();
        return problem(ErrorCode.VALIDATION_FAILED, String.join("; ", errors), errors);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        return problem(ErrorCode.MALFORMED_REQUEST, "request body is not valid JSON of the expected shape", null);
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingRequestHeaderException.class})
    ResponseEntity<ProblemDetail> badArgument(Exception e) {
        String detail = e instanceof MethodArgumentTypeMismatchException mismatch
                ? mismatch.getName() + " must be a " + Stream.ofNullable(mismatch.getRequiredType())
                .map(Class::getSimpleName).findFirst().orElse("value")
                : e.getMessage();
        return problem(ErrorCode.VALIDATION_FAILED, detail, null);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e) {
        return problem(ErrorCode.NOT_FOUND, "no resource at " + e.getResourcePath(), null);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return problem(ErrorCode.METHOD_NOT_ALLOWED, e.getMessage(), null);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, e.getMessage(), null);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error", e);
        return problem(ErrorCode.INTERNAL_ERROR, "unexpected error; the coordinator logged it", null);
    }

    private static ResponseEntity<ProblemDetail> problem(ErrorCode code, String detail, List<String> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(code.status()), detail);
        problem.setType(code.type());
        problem.setTitle(code.title());
        problem.setProperty("code", code.name());
        if (errors != null) {
            problem.setProperty("errors", errors);
        }
        return ResponseEntity.status(code.status()).body(problem);
    }
}
