package dev.verdict.coordinator.commit;

import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.txn.ParticipantView;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxResult;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps every node ready to lead: the first time a node's replica names a participant endpoint (in an applied
 * Begin or Enlist), the node calls that participant once, read only, through the gateway it would use as leader.
 *
 * <p>Why: only the leader talks to participants, so on a follower the HTTP client, the per-endpoint proxy and the
 * classes behind them have never been used. In the benchmark's failover mode a new leader's first PREPARE left
 * 0.85 s after it was ready, on two busy cores, while every in-doubt transaction and every waiting client waited
 * for it. One call per endpoint and node is the price.
 */
public final class StandbyWarmUp implements LogListener {

    /** Endpoints warmed at most: past it new endpoints are simply not warmed (a cluster of agents is far smaller). */
    static final int MAX_ENDPOINTS = 10_000;

    private final ParticipantGateway participants;
    private final Set<String> warmed = ConcurrentHashMap.newKeySet();

    public StandbyWarmUp(ParticipantGateway participants) {
        this.participants = participants;
    }

    @Override
    public void onApplied(TxCommand command, TxResult result, long index) {
        if (!(command instanceof TxCommand.Begin || command instanceof TxCommand.Enlist)
                || !(result instanceof TxResult.Applied(TransactionView view))) {
            return;
        }
        for (ParticipantView participant : view.participants()) {
            if (warmed.size() < MAX_ENDPOINTS && warmed.add(participant.endpoint())) {
                participants.warmUp(participant); // asynchronous; its outcome does not matter
            }
        }
    }
}
