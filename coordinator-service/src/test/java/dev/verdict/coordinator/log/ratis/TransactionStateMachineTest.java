package dev.verdict.coordinator.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.coordinator.log.LocalReplica;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCodec;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** The state machine without a server: leader stamping, apply and query, leadership bookkeeping. */
class TransactionStateMachineTest {

    private final AtomicLong clock = new AtomicLong(5_000);
    private final LocalReplica replica = new LocalReplica();
    private final TransactionStateMachine machine = new TransactionStateMachine(replica, clock::get);

    private static RaftClientRequest request(byte[] bytes) {
        return RaftClientRequest.newBuilder()
                .setClientId(ClientId.randomId())
                .setServerId(RaftPeerId.valueOf("n1"))
                .setGroupId(RaftGroupId.randomId())
                .setCallId(1)
                .setMessage(Message.valueOf(ByteString.copyFrom(bytes)))
                .setType(RaftClientRequest.writeRequestType())
                .build();
    }

    private static TxCodec.Entry logged(TransactionContext trx) {
        return TxCodec.decodeEntry(trx.getStateMachineLogEntry().getLogData().toByteArray());
    }

    private TransactionContext committed(TransactionContext started, long term, long index) {
        return committedOn(machine, started, term, index);
    }

    @Test
    void theLeaderStampsEntriesWithItsOwnClockAndNeverBackwards() throws Exception {
        List<TxCommand> commands = List.of(new TxCommand.Begin(1_000, "a"), new TxCommand.StartCommit(7));
        byte[] proposal = TxCodec.encodeEntry(new TxCodec.Entry(99_999_999, commands)); // a proposer's fast clock

        TransactionContext first = machine.startTransaction(request(proposal));
        assertThat(first.getException()).isNull();
        assertThat(logged(first).timestampMillis()).isEqualTo(5_000);
        assertThat(logged(first).commands()).isEqualTo(commands);

        clock.set(4_000); // the leader's clock steps back
        assertThat(logged(machine.startTransaction(request(proposal))).timestampMillis()).isEqualTo(5_000);
        clock.set(6_000);
        assertThat(logged(machine.startTransaction(request(proposal))).timestampMillis()).isEqualTo(6_000);
    }

    @Test
    void anUnreadableProposalIsRefusedBeforeTheLog() throws Exception {
        TransactionContext trx = machine.startTransaction(request(new byte[] {1, 2, 3}));
        assertThat(trx.getException()).hasMessageContaining("unreadable proposal");
    }

    @Test
    void appliesEntriesToTheReplica() throws Exception {
        byte[] proposal = TxCodec.encodeEntry(new TxCodec.Entry(0, List.of(
                new TxCommand.Begin(10_000, null), new TxCommand.Begin(10_000, null))));
        TransactionContext started = machine.startTransaction(request(proposal));

        Message reply = machine.applyTransaction(committed(started, 3, 12)).get(5, TimeUnit.SECONDS);

        List<TxResult> results = TxCodec.decodeResults(reply.getContent().toByteArray());
        assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOf(TxResult.Applied.class));
        TransactionView second = ((TxResult.Applied) results.get(1)).view();
        assertThat(second.txId()).isEqualTo(2);
        assertThat(second.beganAtMillis()).isEqualTo(5_000);
        assertThat(replica.appliedIndex()).isEqualTo(12);
        assertThat(machine.getLastAppliedTermIndex().getIndex()).isEqualTo(12);
        assertThat(machine.getLastAppliedTermIndex().getTerm()).isEqualTo(3);

        List<TransactionView> read = replica.read(table -> table.query(new TxQuery.Get(2)));
        assertThat(read).containsExactly(second);
    }

    @Test
    void aNewLeaderIsToldToTheObserverOnlyOnceAnEntryOfItsTermIsApplied() throws Exception {
        List<RaftPeerId> told = new ArrayList<>();
        TransactionStateMachine follower = new TransactionStateMachine(new LocalReplica(), told::add);
        byte[] proposal = TxCodec.encodeEntry(new TxCodec.Entry(0, List.of(new TxCommand.Begin(10_000, null))));
        TransactionContext started = follower.startTransaction(request(proposal));

        follower.leaderNamed(RaftPeerId.valueOf("n2"), 5);
        follower.applyTransaction(committedOn(follower, started, 4, 10)).get(5, TimeUnit.SECONDS);
        assertThat(told).as("n2 has not committed anything of its term yet: not ready").isEmpty();

        follower.notifyTermIndexUpdated(5, 11); // n2's first entry of term 5 (a configuration entry)
        assertThat(told).containsExactly(RaftPeerId.valueOf("n2"));
        follower.applyTransaction(committedOn(follower, started, 5, 12)).get(5, TimeUnit.SECONDS);
        assertThat(told).as("told once").containsExactly(RaftPeerId.valueOf("n2"));
    }

    @Test
    void aLeaderNamedLaterReplacesOneThatNeverBecameReady() throws Exception {
        List<RaftPeerId> told = new ArrayList<>();
        TransactionStateMachine follower = new TransactionStateMachine(new LocalReplica(), told::add);
        byte[] proposal = TxCodec.encodeEntry(new TxCodec.Entry(0, List.of(new TxCommand.Begin(10_000, null))));

        follower.leaderNamed(RaftPeerId.valueOf("n2"), 5);
        follower.leaderNamed(RaftPeerId.valueOf("n3"), 6);
        follower.notifyTermIndexUpdated(5, 11);
        assertThat(told).isEmpty();
        follower.applyTransaction(committedOn(follower, follower.startTransaction(request(proposal)), 6, 12))
                .get(5, TimeUnit.SECONDS);
        assertThat(told).containsExactly(RaftPeerId.valueOf("n3"));
    }

    private static TransactionContext committedOn(TransactionStateMachine on, TransactionContext started, long term,
            long index) {
        LogEntryProto entry = LogEntryProto.newBuilder()
                .setTerm(term)
                .setIndex(index)
                .setStateMachineLogEntry(started.getStateMachineLogEntry())
                .build();
        return TransactionContext.newBuilder()
                .setStateMachine(on)
                .setServerRole(RaftPeerRole.FOLLOWER)
                .setLogEntry(entry)
                .build();
    }

    @Test
    void listenersHearEveryCommandOfAProposalReachingTheLeader() throws Exception {
        List<TxCommand> heard = new ArrayList<>();
        machine.addLeadershipListener(new LogListener() {
            @Override
            public void onProposalAtLeader(TxCommand command) {
                heard.add(command);
            }
        });
        List<TxCommand> commands = List.of(new TxCommand.StartCommit(7), new TxCommand.Begin(1_000, "k"));

        machine.startTransaction(request(TxCodec.encodeEntry(new TxCodec.Entry(0, commands))));

        assertThat(heard).containsExactlyElementsOf(commands);
    }

    @Test
    void noLossIsReportedWithoutALeadershipBeforeIt() {
        List<String> heard = new ArrayList<>();
        machine.addLeadershipListener(new LogListener() {
            @Override
            public void onLeadershipChange(boolean leader, long term) {
                heard.add(leader + "@" + term);
            }
        });
        // Not leader: nothing to report, however often Ratis says so.
        machine.lostLeadership("test");
        machine.notifyNotLeader(List.of());
        assertThat(heard).isEmpty();
        assertThat(machine.leaderTerm()).isZero();
    }

    private long applied(TxCommand command, long index) throws Exception {
        byte[] proposal = TxCodec.encodeEntry(new TxCodec.Entry(0, List.of(command)));
        Message reply = machine.applyTransaction(committed(machine.startTransaction(request(proposal)), 1, index))
                .get(5, TimeUnit.SECONDS);
        return ((TxResult.Applied) TxCodec.decodeResults(reply.getContent().toByteArray()).getFirst()).view().txId();
    }

    private CompletableFuture<List<TransactionView>> awaitDecision(long txId) {
        return machine.query(Message.valueOf(ByteString.copyFrom(TxCodec.encodeQuery(new TxQuery.Get(txId)))))
                .thenApply(answer -> TxCodec.decodeViews(answer.getContent().toByteArray()));
    }

    @Test
    void aReadOnlyRequestWaitsForTheDecisionAndIsAnsweredWhenItIsApplied() throws Exception {
        long txId = applied(new TxCommand.Begin(60_000, null), 1);
        applied(new TxCommand.StartCommit(txId), 2);
        CompletableFuture<List<TransactionView>> answer = awaitDecision(txId);
        assertThat(answer).isNotDone();

        applied(new TxCommand.Decide(txId, Outcome.COMMIT, Map.of(), null), 3);

        assertThat(answer.get(5, TimeUnit.SECONDS)).singleElement()
                .satisfies(view -> assertThat(view.isDecided()).isTrue())
                .satisfies(view -> assertThat(view.decisionIndex()).isEqualTo(3));
    }

    @Test
    void aReadOnlyRequestWithoutADecisionIsAnsweredWithNothingAfterItsWait() throws Exception {
        long txId = applied(new TxCommand.Begin(60_000, null), 1);

        assertThat(awaitDecision(txId).get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aReadOnlyRequestOtherThanADecisionWaitIsRefused() {
        Message recent = Message.valueOf(ByteString.copyFrom(TxCodec.encodeQuery(new TxQuery.Recent(5))));
        Message garbage = Message.valueOf(ByteString.copyFrom(new byte[] {42}));

        assertThatThrownBy(() -> machine.query(recent).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("only a decision is waited for");
        assertThatThrownBy(() -> machine.query(garbage).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("unreadable query");
    }
}
