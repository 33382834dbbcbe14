package dev.verdict.bank.bench;

import dev.verdict.bank.gateway.ShardClient;
import dev.verdict.bank.gateway.ShardClients;
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
import java.time.Duration;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.web.client.RestClient;

/**
 * Mode {@code verdict}: the full path, driven from the benchmark's JVM exactly as the bank gateway drives it, but
 * without the gateway's own HTTP hop: the starter's {@link GlobalTransactions} client begins the transaction on
 * the 3-node coordinator declaring the two shard agents (as the gateway does), the bank's {@link ShardClient} calls
 * them (debit and credit in account-id order, each carrying {@code Verdict-Tx} and the begin's seal, so each agent
 * opens its branch without asking; each leg is its shard's last call, so, marked {@code Verdict-Prepare}, the agent
 * prepares before answering and the client carries its signed vote), and commit runs the coordinator's PREPARE
 * round for the votes not carried, and the Raft decision. So every cost measured beyond raw-2pc is Verdict's.
 */
final class VerdictTransfers implements TransferExecutor {

    /** Sees each transaction id as soon as it is begun (the failover measurement needs it). */
    @FunctionalInterface
    interface BeginListener {
        void begun(long txId, long atNanos);
    }

    /** The steps of a committed transfer, as the client sees them. */
    enum Step {
        BEGIN("begin"), FIRST_LEG("1st leg (branch open + work)"), SECOND_LEG("2nd leg (branch open + work)"), COMMIT("commit");

        final String label;

        Step(String label) {
            this.label = label;
        }
    }

    private final GlobalTransactions transactions;
    private final List<ShardClient> shards;
    private final Duration timeout;
    private final boolean votesOnLastCall;
    private final BeginListener beginListener;
    private final long recordFrom;
    private final Map<Step, ConcurrentHistogram> steps = new EnumMap<>(Step.class);

    VerdictTransfers(GlobalTransactions transactions, List<ShardClient> shards, Duration timeout, boolean votesOnLastCall,
            BeginListener beginListener) {
        this(transactions, shards, timeout, votesOnLastCall, beginListener, Duration.ZERO);
    }

    /** Step times are recorded for committed transfers started {@code warmup} from now on. */
    VerdictTransfers(GlobalTransactions transactions, List<ShardClient> shards, Duration timeout, boolean votesOnLastCall,
            BeginListener beginListener, Duration warmup) {
        this.transactions = transactions;
        this.shards = List.copyOf(shards);
        this.timeout = timeout;
        this.votesOnLastCall = votesOnLastCall;
        this.beginListener = beginListener;
        this.recordFrom = System.nanoTime() + warmup.toNanos();
        for (Step step : Step.values()) {
            steps.put(step, new ConcurrentHistogram(1, TimeUnit.MINUTES.toMicros(10), 3));
        }
    }

    /** Latency percentiles of one step of committed transfers, in ms (NaN when none was recorded). */
    double stepMillis(Step step, double percentile) {
        ConcurrentHistogram histogram = steps.get(step);
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** One {@link ShardClient} per agent URL (shard-index order), as the gateway builds them. */
    static List<ShardClient> shardClients(List<URI> agentUrls) {
        return ShardClients.connect(agentUrls, RestClient.builder().requestInterceptor(new VerdictTxPropagationInterceptor()));
    }

    private void record(Step step, long nanos) {
        steps.get(step).recordValue(Math.clamp(TimeUnit.NANOSECONDS.toMicros(nanos), 1, TimeUnit.MINUTES.toMicros(10)));
    }

    private ShardClient shardOf(long account) {
        return shards.get(Math.floorMod(account, shards.size()));
    }

    @Override
    public Outcome execute(Transfer transfer) {
        UUID transferId = UUID.randomUUID();
        AtomicLong txId = new AtomicLong(-1);
        long[] at = new long[4];
        at[0] = System.nanoTime();
        try {
            long[] accounts = {transfer.firstAccount(), transfer.secondAccount()};
            List<ShardClient> legShards = List.of(shardOf(accounts[0]), shardOf(accounts[1]));
            TransactionOutcome outcome = transactions.execute(timeout, ShardClient.participantsOf(legShards), tx -> {
                at[1] = System.nanoTime();
                txId.set(tx.txId());
                beginListener.begun(tx.txId(), at[1]);
                int leg = 2;
                for (long account : accounts) {
                    ShardClient shard = shardOf(account);
                    boolean lastCall = votesOnLastCall && (leg == 3 || shard != shardOf(accounts[1]));
                    if (account == transfer.from()) {
                        shard.debit(account, transferId, transfer.amount(), lastCall);
                    } else {
                        shard.credit(account, transferId, transfer.amount(), lastCall);
                    }
                    at[leg++] = System.nanoTime();
                }
            });
            long end = System.nanoTime();
            if (outcome.state() == TxState.COMMITTED && at[0] - recordFrom >= 0) {
                record(Step.BEGIN, at[1] - at[0]);
                record(Step.FIRST_LEG, at[2] - at[1]);
                record(Step.SECOND_LEG, at[3] - at[2]);
                record(Step.COMMIT, end - at[3]);
            }
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
