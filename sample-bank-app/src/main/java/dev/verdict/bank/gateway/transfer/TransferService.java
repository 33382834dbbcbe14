package dev.verdict.bank.gateway.transfer;

import dev.verdict.bank.BankProperties;
import dev.verdict.bank.gateway.ShardClient;
import dev.verdict.bank.gateway.ShardClients;
import dev.verdict.bank.gateway.ShardFailure;
import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import dev.verdict.bank.shard.api.LedgerRow;
import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.client.OutcomeUnknownException;
import dev.verdict.participant.coordinator.CoordinatorProblemException;
import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Service;

/**
 * A transfer is one global transaction: begin (declaring the two shards' agents, so their enlists cost no log
 * write), debit and credit on the accounts' shards (in account-id order), commit. The answer is the coordinator's logged decision, never a guess.
 *
 * <ul>
 *   <li>Work that fails aborts the transaction: nothing can commit it afterwards, so the answer is ABORTED —
 *       except insufficient funds (409) and an unknown account (404), answered as problems.</li>
 *   <li>A leg the shard already holds for this transfer id (an Idempotency-Key retry after a commit) answers the
 *       first attempt's COMMITTED.</li>
 *   <li>A commit whose outcome cannot be learned in time is a 504 OUTCOME_UNKNOWN naming the txId.</li>
 * </ul>
 */
@Service
@Profile("gateway")
public class TransferService {

    private final GlobalTransactions transactions;
    private final ShardClients shards;
    private final Duration timeout;

    public TransferService(GlobalTransactions transactions, ShardClients shards, BankProperties bank) {
        this.transactions = transactions;
        this.shards = shards;
        this.timeout = bank.transferTimeout();
    }

    public TransferResult transfer(TransferRequest request, String idempotencyKey) {
        Transfer transfer = Transfer.validate(request, idempotencyKey, shards.sharding());
        AtomicLong txId = new AtomicLong();
        try {
            List<ShardClient> legShards = transfer.legsInAccountOrder().stream()
                    .map(leg -> shards.forAccount(leg.accountId())).toList();
            TransactionOutcome outcome = transactions.execute(timeout, ShardClient.participantsOf(legShards), tx -> {
                txId.set(tx.txId());
                List<Transfer.Leg> legs = transfer.legsInAccountOrder();
                for (int i = 0; i < legs.size(); i++) {
                    Transfer.Leg leg = legs.get(i);
                    ShardClient shard = legShards.get(i);
                    // the last leg on a shard lets it prepare at once (and carry its vote to the commit)
                    boolean lastCall = legShards.lastIndexOf(shard) == i;
                    if (leg.debit()) {
                        shard.debit(leg.accountId(), transfer.transferId(), transfer.amount(), lastCall);
                    } else {
                        shard.credit(leg.accountId(), transfer.transferId(), transfer.amount(), lastCall);
                    }
                }
            });
            return new TransferResult(transfer.transferId(), outcome.txId(), outcome.state(), outcome.reason());
        } catch (ShardFailure failure) {
            return failedLeg(transfer, txId.get(), failure);
        } catch (OutcomeUnknownException e) {
            throw new BankException(BankError.OUTCOME_UNKNOWN, e.getMessage(),
                    Map.of("transferId", transfer.transferId(), "txId", txId.get()), e);
        } catch (CoordinatorUnavailableException | CoordinatorProblemException e) {
            if (txId.get() == 0) {
                throw new BankException(BankError.COORDINATOR_UNAVAILABLE, "cannot begin the transfer: " + e.getMessage(),
                        Map.of("transferId", transfer.transferId()), e);
            }
            throw new BankException(BankError.OUTCOME_UNKNOWN, "commit of transaction " + txId.get()
                    + " got no decision: " + e.getMessage(), Map.of("transferId", transfer.transferId(), "txId", txId.get()), e);
        }
    }

    /** The committed legs of a transfer, from every shard's ledger; empty when it did not commit. */
    public List<LedgerRow> ledger(UUID transferId) {
        List<LedgerRow> rows = new ArrayList<>();
        for (ShardClient shard : shards.all()) {
            rows.addAll(shard.ledger(transferId));
        }
        return rows;
    }

    /** The work failed, so execute() aborted the transaction (or its deadline will): the outcome is ABORTED. */
    private TransferResult failedLeg(Transfer transfer, long txId, ShardFailure failure) {
        Map<String, Object> ids = Map.of("transferId", transfer.transferId(), "txId", txId, "state", TxState.ABORTED);
        if (failure.is(BankError.INSUFFICIENT_FUNDS)) {
            throw new BankException(BankError.INSUFFICIENT_FUNDS,
                    "account " + transfer.from() + " cannot pay " + transfer.amount() + "; the transfer was aborted", ids);
        }
        if (failure.is(BankError.ACCOUNT_NOT_FOUND)) {
            throw new BankException(BankError.ACCOUNT_NOT_FOUND, failure.getMessage(), ids);
        }
        if (failure.is(BankError.IDEMPOTENCY_KEY_REUSED)) {
            throw new BankException(BankError.IDEMPOTENCY_KEY_REUSED, failure.getMessage(), ids);
        }
        if (failure.is(BankError.DUPLICATE_TRANSFER) && failure.properties().get("txId") instanceof Number first) {
            return new TransferResult(transfer.transferId(), first.longValue(), TxState.COMMITTED, null);
        }
        return new TransferResult(transfer.transferId(), txId, TxState.ABORTED, failure.getMessage());
    }
}
