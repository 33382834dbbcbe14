package dev.verdict.bank.shard;

import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import dev.verdict.bank.shard.api.AccountBalance;
import dev.verdict.bank.shard.api.AuditSlice;
import dev.verdict.bank.shard.api.LedgerRow;
import dev.verdict.bank.shard.api.MoveRequest;
import dev.verdict.bank.shard.api.MoveResult;
import dev.verdict.bank.shard.api.ShardPaths;
import dev.verdict.protocol.Headers;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shard agent's bank endpoints, called by the gateway. Writes (and the audit read) must carry
 * {@code Verdict-Tx}: the starter then runs the whole request in that transaction's branch.
 */
@RestController
@Profile("shard")
class ShardController {

    private final ShardAccounts accounts;
    private final ShardAuditor auditor;

    ShardController(ShardAccounts accounts, ShardAuditor auditor) {
        this.accounts = accounts;
        this.auditor = auditor;
    }

    @PostMapping(ShardPaths.DEBIT)
    MoveResult debit(@PathVariable long id, @Valid @RequestBody MoveRequest move,
            @RequestHeader(name = Headers.TRANSACTION, required = false) Long txId) {
        return accounts.debit(id, move.transferId(), move.amount(), requireTransaction(txId, "a debit"));
    }

    @PostMapping(ShardPaths.CREDIT)
    MoveResult credit(@PathVariable long id, @Valid @RequestBody MoveRequest move,
            @RequestHeader(name = Headers.TRANSACTION, required = false) Long txId) {
        return accounts.credit(id, move.transferId(), move.amount(), requireTransaction(txId, "a credit"));
    }

    @GetMapping(ShardPaths.ACCOUNT)
    AccountBalance account(@PathVariable long id) {
        return accounts.balance(id);
    }

    @GetMapping(ShardPaths.ACCOUNTS)
    List<AccountBalance> range(@RequestParam long fromId, @RequestParam long toId) {
        return accounts.range(fromId, toId);
    }

    @GetMapping(ShardPaths.AUDIT)
    AuditSlice audit(@RequestParam(defaultValue = "1000") long lockTimeoutMs,
            @RequestHeader(name = Headers.TRANSACTION, required = false) Long txId) {
        requireTransaction(txId, "an audit read");
        return auditor.slice(Duration.ofMillis(lockTimeoutMs));
    }

    @GetMapping(ShardPaths.LEDGER)
    List<LedgerRow> ledger(@RequestParam UUID transferId) {
        return accounts.ledger(transferId);
    }

    private static long requireTransaction(Long txId, String what) {
        if (txId == null) {
            throw new BankException(BankError.VALIDATION_FAILED,
                    what + " runs only inside a global transaction: send the " + Headers.TRANSACTION + " header");
        }
        return txId;
    }
}
