package dev.verdict.bank.gateway.account;

import dev.verdict.bank.shard.api.AccountBalance;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/accounts/{id}} and {@code GET /api/accounts?limit=&offset=}. */
@RestController
@Profile("gateway")
class AccountController {

    private final AccountService accounts;

    AccountController(AccountService accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/api/accounts/{id}")
    AccountBalance account(@PathVariable long id) {
        return accounts.account(id);
    }

    @GetMapping("/api/accounts")
    AccountPage page(@RequestParam(defaultValue = "0") long offset, @RequestParam(defaultValue = "50") int limit) {
        return accounts.page(offset, limit);
    }
}
