package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.participant.client.GlobalTransaction;
import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.support.Shard;
import dev.verdict.protocol.Headers;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.IdLease;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.web.client.RestClient;

/**
 * Deferred begins end to end, with the real coordinator (3-node Raft group) and real agents sharing the
 * declaration key: the begin logs nothing, the agents open their branches on the seal, and the commit logs the
 * Begin with the decision. A status read before the commit logs the ABORT first, and the commit loses to it; an
 * abort carries the declaration so the participants hear it at once.
 */
class DeferredBeginsTest {

    static final String KEY = "deferred-begins-test-key-0123456789abcd";
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final TwoShardsWithRealCoordinator fixture =
            new TwoShardsWithRealCoordinator("--verdict.coordinator.declaration-key=" + KEY);

    @Test
    void theStartersDeferredTransactionIsLoggedOnlyByItsCommit() {
        fixture.startShards("verdict.participant.declaration-key=" + KEY);
        GlobalTransactions transactions = deferringClient();
        List<Long> heldDuringTheWork = new ArrayList<>();

        TransactionOutcome outcome = transactions.execute(TIMEOUT, bothShards(), tx -> {
            assertThat(tx.deferred()).as("the coordinators granted the deferred begin").isTrue();
            moveThirty(tx);
            fixture.coordinator().cluster().awaitLeader().api().list(1_000)
                    .forEach(status -> heldDuringTheWork.add(status.txId()));
            assertThat(fixture.pgA().preparedGids()).as("prepared by the marked call")
                    .containsExactly(fixture.shardA().gid(tx.txId()));
            heldDuringTheWork.add(-tx.txId()); // marks which transaction the list was read for
        });

        assertThat(outcome.state()).isEqualTo(TxState.COMMITTED);
        assertThat(heldDuringTheWork).as("the log held nothing of it before the commit")
                .doesNotContain(outcome.txId()).contains(-outcome.txId());
        fixture.coordinator().awaitFinished(outcome.txId(), TxState.COMMITTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(70);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(80);
        assertThat(fixture.shardA().gate().arrived("prepare", outcome.txId())).isFalse();
    }

    /**
     * The race presumed abort must win: a participant (or anyone) asks about a deferred transaction before its
     * commit is logged. The answer is ABORTED, logged, so the commit that follows finds it and is told ABORTED,
     * and the branches the marked calls prepared are rolled back (here by the agents' recovery, which asks too).
     */
    @Test
    void aStatusReadBeforeTheCommitAbortsTheTransactionForGood() {
        fixture.startShards("verdict.participant.declaration-key=" + KEY);
        GlobalTransactions transactions = deferringClient();
        GlobalTransaction tx = transactions.begin(TIMEOUT, bothShards());
        try (var scope = dev.verdict.participant.context.CurrentTransaction.enter(tx.txId(), tx.declaration())) {
            moveThirty(tx);
        }

        TransactionStatus status = transactions.status(tx.txId());
        assertThat(status.state()).isEqualTo(TxState.ABORTED);
        assertThat(status.reason()).startsWith("presumed abort");

        assertThat(transactions.commit(tx, List.of()).state()).isEqualTo(TxState.ABORTED);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(fixture.pgA().preparedGids()).isEmpty();
            assertThat(fixture.pgB().preparedGids()).isEmpty();
        });
        assertThat(fixture.pgA().balance("alice")).isEqualTo(100);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(50);
    }

    /** With recovery only at start, nothing but the ABORT's delivery can roll the prepared branches back. */
    @Test
    void anAbortCarriesTheDeclarationSoThePreparedBranchesHearItAtOnce() {
        fixture.startShards("verdict.participant.declaration-key=" + KEY, Shard.RECOVERY_ONLY_AT_START);
        GlobalTransactions transactions = deferringClient();
        List<Long> txIds = new ArrayList<>();

        assertThatThrownBy(() -> transactions.execute(TIMEOUT, bothShards(), tx -> {
            txIds.add(tx.txId());
            moveThirty(tx);
            throw new IllegalStateException("the app changed its mind");
        })).hasMessage("the app changed its mind");

        long txId = txIds.getFirst();
        fixture.coordinator().awaitFinished(txId, TxState.ABORTED);
        assertThat(fixture.pgA().preparedGids()).isEmpty();
        assertThat(fixture.pgB().preparedGids()).isEmpty();
        assertThat(fixture.pgA().balance("alice")).isEqualTo(100);
    }

    /**
     * With ids leased, the client mints its deferred begins itself: once the lease is in, a begin makes no call,
     * the agents open their branches on the seal the client made under the lease's key, and the commit logs the
     * Begin with the decision, as for a begin a coordinator answered.
     */
    @Test
    void withALeaseTheBeginMakesNoCallAndTheCommitLogsIt() {
        fixture.startShards("verdict.participant.declaration-key=" + KEY);
        CountingCoordinator counting = new CountingCoordinator(TwoShardsWithRealCoordinator.coordinatorCluster(
                fixture.coordinator().urls()));
        GlobalTransactions transactions = new GlobalTransactions(counting, TIMEOUT, Duration.ofSeconds(10),
                java.time.Clock.systemUTC(), true, true);
        // the first begins ask a coordinator while the lease is asked for in the background
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            int asked = counting.begins.get();
            transactions.begin(TIMEOUT, bothShards()); // deferred and never committed: nothing to clean up
            return counting.begins.get() == asked;
        });
        int begins = counting.begins.get();

        TransactionOutcome outcome = transactions.execute(TIMEOUT, bothShards(), tx -> {
            assertThat(tx.deferred()).isTrue();
            assertThat(tx.declaration()).as("sealed under the lease").startsWith("v2.");
            moveThirty(tx);
        });

        assertThat(outcome.state()).isEqualTo(TxState.COMMITTED);
        assertThat(counting.begins.get()).as("no begin call").isEqualTo(begins);
        IdLease lease = counting.lastLease.get();
        assertThat(outcome.txId()).isBetween(lease.firstTxId(), lease.lastTxId());
        fixture.coordinator().awaitFinished(outcome.txId(), TxState.COMMITTED);
        assertThat(fixture.pgA().balance("alice")).isEqualTo(70);
        assertThat(fixture.pgB().balance("bob")).isEqualTo(80);
        assertThat(fixture.shardA().gate().arrived("prepare", outcome.txId())).isFalse();
    }

    private static GlobalTransactions deferringClient() {
        return TwoShardsWithRealCoordinator.globalTransactions(fixture.coordinator().urls(), TIMEOUT, true);
    }

    private static List<ParticipantAddress> bothShards() {
        return List.of(fixture.shardA().address(), fixture.shardB().address());
    }

    /** alice (shard-a) pays bob (shard-b) 30, each call its shard's last: both branches prepare and vote. */
    private static void moveThirty(GlobalTransaction tx) {
        RestClient toA = TwoShardsWithRealCoordinator.propagatingClient(fixture.shardA());
        RestClient toB = TwoShardsWithRealCoordinator.propagatingClient(fixture.shardB());
        toA.post().uri("/accounts/alice/debit?amount=30").header(Headers.PREPARE, "true").retrieve().toBodilessEntity();
        toB.post().uri("/accounts/bob/credit?amount=30").header(Headers.PREPARE, "true").retrieve().toBodilessEntity();
    }

    /** The cluster client, counting the begins asked and keeping the last lease handed out. */
    static final class CountingCoordinator implements dev.verdict.protocol.coordinator.CoordinatorApi {

        private final dev.verdict.protocol.coordinator.CoordinatorApi delegate;
        final java.util.concurrent.atomic.AtomicInteger begins = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicReference<IdLease> lastLease = new java.util.concurrent.atomic.AtomicReference<>();

        CountingCoordinator(dev.verdict.protocol.coordinator.CoordinatorApi delegate) {
            this.delegate = delegate;
        }

        @Override
        public dev.verdict.protocol.coordinator.TransactionBegun begin(
                dev.verdict.protocol.coordinator.BeginTransactionRequest request, String idempotencyKey) {
            begins.incrementAndGet();
            return delegate.begin(request, idempotencyKey);
        }

        @Override
        public IdLease leaseIds() {
            IdLease lease = delegate.leaseIds();
            lastLease.set(lease);
            return lease;
        }

        @Override
        public dev.verdict.protocol.coordinator.Enlisted enlist(long txId, ParticipantAddress request) {
            return delegate.enlist(txId, request);
        }

        @Override
        public TransactionOutcome commit(long txId, dev.verdict.protocol.coordinator.CommitRequest request) {
            return delegate.commit(txId, request);
        }

        @Override
        public TransactionOutcome abort(long txId, dev.verdict.protocol.coordinator.AbortRequest request) {
            return delegate.abort(txId, request);
        }

        @Override
        public TransactionStatus status(long txId) {
            return delegate.status(txId);
        }

        @Override
        public List<TransactionStatus> list(int limit) {
            return delegate.list(limit);
        }

        @Override
        public dev.verdict.protocol.coordinator.ClusterStatus cluster() {
            return delegate.cluster();
        }
    }
}
