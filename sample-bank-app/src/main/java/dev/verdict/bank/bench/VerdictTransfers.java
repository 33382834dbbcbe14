package dev.verdict.bank.bench;

import dev.verdict.bank.gateway.ShardClient;
import dev.verdict.bank.gateway.ShardFailure;
import dev.verdict.bank.loadgen.Outcome;
import dev.verdict.bank.loadgen.Transfer;
import dev.verdict.bank.loadgen.TransferExecutor;
import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.client.OutcomeUnknownException;
import dev.verdict.participant.context.VerdictTxPropagationInterceptor;
import dev.verdict.participant.coordinator.CoordinatorProblemException;
import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Mode {@code verdict}: the full path, driven from the benchmark's JVM exactly as the bank gateway drives it, but
 * without the gateway's own HTTP hop: the starter's {@link GlobalTransactions} client begins the transaction on
 * the 3-node coordinator, the bank's {@link ShardClient} calls the two shard agents (debit and credit in
 * account-id order, each carrying {@code Verdict-Tx}, so each agent enlists and opens its branch), and commit
 * runs the coordinator's PREPARE round and Raft decision. So every cost measured beyond raw-2pc is Verdict's.
 */
final class VerdictTransfers implements TransferExecutor {

    /** Sees each transaction id as soon as it is begun (the failover measurement needs it). */
    @FunctionalInterface
    interface BeginListener {
        void begun(long txId, long atNanos);
    }

    private final GlobalTransactions transactions;
    private final List<ShardClient> shards;
    private final Duration timeout;
    private final BeginListener beginListener;

    VerdictTransfers(GlobalTransactions transactions, List<ShardClient> shards, Duration timeout, BeginListener beginListener) {
        this.transactions = transactions;
        this.shards = List.copyOf(shards);
        this.timeout = timeout;
        this.beginListener = beginListener;
    }

    /** One {@link ShardClient} per agent URL (shard-index order), on one HTTP/1.1 client that keeps connections alive. */
    static List<ShardClient> shardClients(List<URI> agentUrls) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
        requests.setReadTimeout(Duration.ofSeconds(15));
        RestClient.Builder builder = RestClient.builder()
                .requestFactory(requests)
                .requestInterceptor(new VerdictTxPropagationInterceptor());
        List<ShardClient> clients = new ArrayList<>();
        for (int shard = 0; shard < agentUrls.size(); shard++) {
            clients.add(new ShardClient(shard, builder.clone().baseUrl(agentUrls.get(shard).toString()).build()));
        }
        return clients;
    }

    @Override
    public Outcome execute(Transfer transfer) {
        UUID transferId = UUID.randomUUID();
        AtomicLong txId = new AtomicLong(-1);
        try {
            TransactionOutcome outcome = transactions.execute(timeout, tx -> {
                txId.set(tx.txId());
                beginListener.begun(tx.txId(), System.nanoTime());
                for (long account : new long[] {transfer.firstAccount(), transfer.secondAccount()}) {
                    ShardClient shard = shards.get(Math.floorMod(account, shards.size()));
                    if (account == transfer.from()) {
                        shard.debit(account, transferId, transfer.amount());
                    } else {
                        shard.credit(account, transferId, transfer.amount());
                    }
                }
            });
            return outcome.state() == TxState.COMMITTED
                    ? Outcome.committed(outcome.txId())
                    : Outcome.aborted(outcome.txId(), outcome.reason());
        } catch (ShardFailure failure) {
            if ("INSUFFICIENT_FUNDS".equals(failure.code())) {
                return Outcome.insufficientFunds(txId.get());
            }
            return new Outcome(Outcome.Kind.ERROR, "shard-" + failure.status() + ":" + failure.code(), txId.get());
        } catch (OutcomeUnknownException e) {
            return new Outcome(Outcome.Kind.ERROR, "outcome-unknown", txId.get());
        } catch (CoordinatorUnavailableException e) {
            return new Outcome(Outcome.Kind.ERROR, "coordinator-unavailable", txId.get());
        } catch (CoordinatorProblemException e) {
            return new Outcome(Outcome.Kind.ERROR, "coordinator-" + e.status() + e.code().map(c -> ":" + c).orElse(""), txId.get());
        }
    }
}
