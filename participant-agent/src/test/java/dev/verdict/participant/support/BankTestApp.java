package dev.verdict.participant.support;

import dev.verdict.protocol.Headers;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
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
@Import(BankTestApp.Accounts.class)
public class BankTestApp {

    @RestController
    static class Accounts {

        private final JdbcTemplate jdbc;

        Accounts(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
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

        /** The app's own error mapping: the starter must still see the failure and fail the branch. */
        @ExceptionHandler(DataIntegrityViolationException.class)
        ResponseEntity<Map<String, String>> insufficientFunds(DataIntegrityViolationException e) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "insufficient funds"));
        }
    }
}
