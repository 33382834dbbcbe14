package dev.verdict.bank.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's error page: whatever reaches {@code /error} (an unknown path, a failure outside any
 * controller) is answered as a problem with a code, like everything else.
 */
@RestController
public class ErrorPageController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = statusAttribute instanceof Integer s ? s : HttpStatus.INTERNAL_SERVER_ERROR.value();
        BankError code = BankError.forStatus(status);
        Object message = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String detail = code == BankError.NOT_FOUND ? "no resource at " + message : code.title();
        ProblemDetail problem = Problems.of(code, detail);
        problem.setStatus(status);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
