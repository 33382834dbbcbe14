package dev.verdict.participant.support;

import dev.verdict.participant.branch.BranchWork;
import dev.verdict.protocol.Headers;
import java.util.Map;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain app using the starter: one accounts table, debit and credit with JdbcTemplate, nothing Verdict-specific
 * in its code. Requests carrying Verdict-Tx run in the transaction's branch because of the starter alone.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({BankTestApp.Accounts.class, BankTestApp.AccountService.class, BankTestApp.StartupWork.class})
public class BankTestApp {

    /**
     * With {@code test.startup-credit=<account>}, the app credits that account by 1 while it starts (after every
     * bean exists, before the web server), like a seeder or a cache warm-up touching its own data.
     */
    @ConditionalOnProperty("test.startup-credit")
    static class StartupWork implements SmartInitializingSingleton {

        private final JdbcTemplate jdbc;
        private final String account;

        StartupWork(JdbcTemplate jdbc, @Value("${test.startup-credit}") String account) {
            this.jdbc = jdbc;
            this.account = account;
        }

        @Override
        public void afterSingletonsInstantiated() {
            jdbc.update("UPDATE accounts SET balance = balance + 1 WHERE id = ?", account);
        }
    }

    /** Service-level work: a {@code @BranchWork} method, and a {@code @Transactional} one that must join the branch. */
    public static class AccountService {

        private final JdbcTemplate jdbc;

        AccountService(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @BranchWork
        public void debitInBranch(String id, long amount) {
            jdbc.update("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, id);
        }

        public void creditOutsideAnyBranch(String id, long amount) {
            jdbc.update("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, id);
        }

        @Transactional
        public void debitTransactional(String id, long amount) {
            jdbc.update("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, id);
        }
    }

    @RestController
    static class Accounts {

        private final JdbcTemplate jdbc;
        private final AccountService service;

        Accounts(JdbcTemplate jdbc, AccountService service) {
            this.jdbc = jdbc;
            this.service = service;
        }

        @PostMapping("/accounts/{id}/debit-transactional")
        Map<String, Object> debitTransactional(@PathVariable String id, @RequestParam long amount) {
            service.debitTransactional(id, amount);
            return Map.of("id", id, "delta", -amount);
        }

        /** In the ANNOTATED scope only the @BranchWork call is in the branch; the credit commits on its own. */
        @PostMapping("/accounts/{id}/debit-annotated")
        Map<String, Object> debitAnnotated(@PathVariable String id, @RequestParam long amount, @RequestParam String fee) {
            service.debitInBranch(id, amount);
            service.creditOutsideAnyBranch(fee, 1);
            return Map.of("id", id, "delta", -amount);
        }

        @PostMapping("/accounts/{id}/debit")
        Map<String, Object> debit(@PathVariable String id, @RequestParam long amount) {
            return move(id, -amount);
        }

        @PostMapping("/accounts/{id}/credit")
        Map<String, Object> credit(@PathVariable String id, @RequestParam long amount) {
            return move(id, amount);
        }

        @GetMapping("/accounts/{id}")
        Map<String, Object> read(@PathVariable String id,
                @RequestHeader(name = Headers.TRANSACTION, required = false) String tx) {
            Long balance = jdbc.queryForObject("SELECT balance FROM accounts WHERE id = ?", Long.class, id);
            return Map.of("id", id, "balance", balance, "tx", String.valueOf(tx));
        }

        private Map<String, Object> move(String id, long delta) {
            int rows = jdbc.update("UPDATE accounts SET balance = balance + ? WHERE id = ?", delta, id);
            if (rows != 1) {
                throw new IllegalArgumentException("no account " + id);
            }
            return Map.of("id", id, "delta", delta);
        }

        /** A sloppy app that swallows the database error and answers 200: PostgreSQL still knows. */
        @PostMapping("/accounts/{id}/debit-swallowing-errors")
        Map<String, Object> debitSwallowingErrors(@PathVariable String id, @RequestParam long amount) {
            try {
                move(id, -amount);
            } catch (DataIntegrityViolationException ignored) {
                // "best effort"
            }
            return Map.of("id", id);
        }

        /**
         * Sloppier still: a fee debited first (a row changed), then the debit that overdraws, its error swallowed.
         * The branch has written and its transaction has failed.
         */
        @PostMapping("/accounts/{id}/debit-with-fee-swallowing-errors")
        Map<String, Object> debitWithFeeSwallowingErrors(@PathVariable String id, @RequestParam long amount) {
            move(id, -1);
            return debitSwallowingErrors(id, amount);
        }

        /** Writes, then fails in app logic; the app maps the failure to a 422 of its own. */
        @PostMapping("/accounts/{id}/debit-then-fail")
        Map<String, Object> debitThenFail(@PathVariable String id, @RequestParam long amount) {
            move(id, -amount);
            throw new IllegalStateException("fraud check rejected the debit");
        }

        @ExceptionHandler(IllegalStateException.class)
        ResponseEntity<Map<String, String>> rejected(IllegalStateException e) {
            return ResponseEntity.unprocessableContent().body(Map.of("error", e.getMessage()));
        }

        /** The app's own error mapping: the starter must still see the failure and fail the branch. */
        @ExceptionHandler(DataIntegrityViolationException.class)
        ResponseEntity<Map<String, String>> insufficientFunds(DataIntegrityViolationException e) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "insufficient funds"));
        }
    }
}
