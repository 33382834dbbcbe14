package dev.verdict.bank.shard;

import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import dev.verdict.bank.shard.api.AccountBalance;
import dev.verdict.bank.shard.api.LedgerRow;
import dev.verdict.bank.shard.api.MoveResult;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Service;

/**
 * Debit, credit and balance reads of this shard's accounts. Called from requests carrying {@code Verdict-Tx}, so
 * the starter runs them in the transaction's branch: the balance change and its ledger row commit or abort
 * together with the rest of the global transaction. A failure here fails the branch, which then votes NO.
 */
@Service
@Profile("shard")
public class ShardAccounts {

    private final AccountRepository accounts;
    private final LedgerRepository ledger;
    private final ShardIdentity shard;

    public ShardAccounts(AccountRepository accounts, LedgerRepository ledger, ShardIdentity shard) {
        this.accounts = accounts;
        this.ledger = ledger;
        this.shard = shard;
    }

    public MoveResult debit(long accountId, UUID transferId, long amount, long txId) {
        requireAccount(accountId);
        recordLeg(accountId, transferId, -amount, txId);
        if (accounts.debit(accountId, amount) == 0) {
            throw new BankException(BankError.INSUFFICIENT_FUNDS,
                    "account " + accountId + " cannot pay " + amount, Map.of("accountId", accountId));
        }
        return new MoveResult(accountId, transferId, -amount, txId);
    }

    public MoveResult credit(long accountId, UUID transferId, long amount, long txId) {
        requireAccount(accountId);
        recordLeg(accountId, transferId, amount, txId);
        accounts.credit(accountId, amount);
        return new MoveResult(accountId, transferId, amount, txId);
    }

    public AccountBalance balance(long accountId) {
        return accounts.findById(accountId)
                .map(this::view)
                .orElseThrow(() -> notFound(accountId));
    }

    public List<AccountBalance> range(long fromId, long toId) {
        return accounts.findRange(fromId, toId).stream().map(this::view).toList();
    }

    public List<LedgerRow> ledger(UUID transferId) {
        return ledger.findByTransferIdOrderByAccountId(transferId).stream()
                .map(e -> new LedgerRow(e.transferId(), e.accountId(), shard.index(), e.delta(), e.txId(), e.createdAt()))
                .toList();
    }

    /**
     * The leg's ledger row first: when the transfer already has this leg (a retry with the same Idempotency-Key
     * after it committed) the branch fails with DUPLICATE_TRANSFER, naming the transaction that applied it.
     */
    private void recordLeg(long accountId, UUID transferId, long delta, long txId) {
        if (ledger.insertIfAbsent(transferId, accountId, delta, txId) == 1) {
            return;
        }
        LedgerEntry existing = ledger.findByTransferIdAndAccountId(transferId, accountId)
                .orElseThrow(() -> new IllegalStateException("ledger conflict without a row for " + transferId));
        if (existing.delta() == delta) {
            throw new BankException(BankError.DUPLICATE_TRANSFER,
                    "transfer " + transferId + " was already applied to account " + accountId,
                    Map.of("transferId", transferId, "txId", existing.txId()));
        }
        throw new BankException(BankError.IDEMPOTENCY_KEY_REUSED,
                "transfer " + transferId + " already moved " + existing.delta() + " on account " + accountId
                        + "; the Idempotency-Key was used for another transfer",
                Map.of("transferId", transferId));
    }

    private void requireAccount(long accountId) {
        if (!accounts.existsById(accountId)) {
            throw notFound(accountId);
        }
    }

    private BankException notFound(long accountId) {
        return new BankException(BankError.ACCOUNT_NOT_FOUND, "shard " + shard.index() + " has no account " + accountId,
                Map.of("accountId", accountId));
    }

    private AccountBalance view(Account account) {
        return new AccountBalance(account.id(), shard.index(), account.balance());
    }
}
