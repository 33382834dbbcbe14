package dev.verdict.bank.gateway.audit;

import dev.verdict.bank.BankProperties;
import dev.verdict.bank.gateway.ShardClient;
import dev.verdict.bank.gateway.ShardClients;
import dev.verdict.bank.gateway.ShardFailure;
import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import dev.verdict.bank.shard.api.AuditSlice;
import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.client.OutcomeUnknownException;
import dev.verdict.participant.coordinator.CoordinatorProblemException;
import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Service;

/**
 * The audit as ONE global transaction over all shards: each shard's rows are read FOR SHARE inside its branch,
 * shard after shard, and the transaction is then committed through the coordinator. Every row lock is held
 * from its read until the decision reaches the shard, so no transfer can commit between two shards' reads:
 * the sums form a consistent cut even while transfers run.
 *
 * <p>Only a COMMITTED audit counts. If a shard lost its branch (agent restart, reaper) its locks were released
 * early and the cut could be torn; the branch then votes NO, the transaction aborts and the audit tries again.
 * An attempt also gives way when a shard's locks are not granted within {@code bank.audit.lock-timeout}: a
 * transfer holding a row on a later shard may be waiting for a row this audit already holds.
 */
@Service
@Profile("gateway")
public class AuditService {

    private final GlobalTransactions transactions;
    private final ShardClients shards;
    private final BankProperties bank;

    public AuditService(GlobalTransactions transactions, ShardClients shards, BankProperties bank) {
        this.transactions = transactions;
        this.shards = shards;
        this.bank = bank;
    }

    public AuditReport audit() {
        BankProperties.Audit settings = bank.audit();
        String lastFailure = "no attempt made";
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            List<AuditSlice> slices = new ArrayList<>();
            AtomicLong txId = new AtomicLong();
            try {
                TransactionOutcome outcome = transactions.execute(settings.timeout(), tx -> {
                    txId.set(tx.txId());
                    for (ShardClient shard : shards.all()) {
                        slices.add(shard.audit(settings.lockTimeout()));
                    }
                });
                if (outcome.state() == TxState.COMMITTED) {
                    return AuditReport.of(outcome.txId(), slices, bank.expectedTotal(), bank.accounts());
                }
                lastFailure = "audit transaction " + outcome.txId() + " aborted: " + outcome.reason();
            } catch (ShardFailure f) {
                lastFailure = f.getMessage();
                if (f.is(BankError.SHARD_UNAVAILABLE)) {
                    break; // a shard that is down will not be back within this request
                }
            } catch (CoordinatorUnavailableException | CoordinatorProblemException | OutcomeUnknownException e) {
                lastFailure = "coordinator: " + e.getMessage();
            }
            backOff(attempt);
        }
        throw new BankException(BankError.AUDIT_UNAVAILABLE, "no consistent cut after retries; last: " + lastFailure);
    }

    /** A short randomized pause between attempts, so competing audits and transfers do not meet again at once. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L * attempt + 11));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BankException(BankError.AUDIT_UNAVAILABLE, "interrupted");
        }
    }
}
