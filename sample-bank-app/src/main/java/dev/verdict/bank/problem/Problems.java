package dev.verdict.bank.problem;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** Builds RFC 9457 problem details carrying a {@link BankError} as {@code code}. */
public final class Problems {

    private Problems() {
    }

    public static ProblemDetail of(BankError error, String detail) {
        return of(error, detail, Map.of());
    }

    public static ProblemDetail of(BankError error, String detail, Map<String, ?> properties) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(error.status()), detail);
        problem.setType(error.type());
        problem.setTitle(error.title());
        problem.setProperty("code", error.name());
        properties.forEach(problem::setProperty);
        return problem;
    }

    public static ProblemDetail of(BankException e) {
        return of(e.error(), e.getMessage(), e.properties());
    }
}
