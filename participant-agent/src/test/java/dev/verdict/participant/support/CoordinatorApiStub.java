package dev.verdict.participant.support;

import dev.verdict.protocol.coordinator.AbortRequest;
import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import dev.verdict.protocol.coordinator.ClusterStatus;
import dev.verdict.protocol.coordinator.CommitRequest;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.Enlisted;
import dev.verdict.protocol.coordinator.IdLease;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import java.util.List;

/** A coordinator of which a test uses a few calls: it overrides those, and any other call fails the test. */
public abstract class CoordinatorApiStub implements CoordinatorApi {

    @Override
    public TransactionBegun begin(BeginTransactionRequest request, String idempotencyKey) {
        throw unexpected("begin");
    }

    @Override
    public Enlisted enlist(long txId, ParticipantAddress request) {
        throw unexpected("enlist");
    }

    @Override
    public TransactionOutcome commit(long txId, CommitRequest request) {
        throw unexpected("commit");
    }

    @Override
    public TransactionOutcome abort(long txId, AbortRequest request) {
        throw unexpected("abort");
    }

    @Override
    public IdLease leaseIds() {
        throw unexpected("leaseIds");
    }

    @Override
    public TransactionStatus status(long txId) {
        throw unexpected("status");
    }

    @Override
    public List<TransactionStatus> list(int limit) {
        throw unexpected("list");
    }

    @Override
    public ClusterStatus cluster() {
        throw unexpected("cluster");
    }

    private UnsupportedOperationException unexpected(String call) {
        return new UnsupportedOperationException(getClass().getSimpleName() + " does not expect " + call);
    }
}
