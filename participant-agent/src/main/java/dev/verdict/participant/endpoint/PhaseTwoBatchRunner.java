package dev.verdict.participant.endpoint;

import dev.verdict.participant.branch.BranchException;
import dev.verdict.participant.branch.TwoPhaseParticipant;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.participant.PhaseTwoBatch;
import dev.verdict.protocol.participant.PhaseTwoBatchResponse;
import dev.verdict.protocol.participant.PhaseTwoDecision;
import dev.verdict.protocol.participant.PhaseTwoResponse;
import dev.verdict.protocol.participant.PhaseTwoResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link PhaseTwoBatch}: every decision as its single-branch call would, all at once, each on its
 * own connection. Concurrent COMMIT PREPAREDs let PostgreSQL flush their WAL records together; one after the other,
 * each would wait for its own fsync. A decision that fails is answered with its error code and the others stand.
 */
final class PhaseTwoBatchRunner {

    private static final Logger log = LoggerFactory.getLogger(PhaseTwoBatchRunner.class);

    private final TwoPhaseParticipant twoPhase;

    PhaseTwoBatchRunner(TwoPhaseParticipant twoPhase) {
        this.twoPhase = twoPhase;
    }

    PhaseTwoBatchResponse run(PhaseTwoBatch batch) {
        List<PhaseTwoResult> results = new ArrayList<>(batch.decisions().size());
        // Closing the executor waits for every decision: the answer never acknowledges work still under way.
        try (ExecutorService decisions = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<PhaseTwoResult>> underWay = new ArrayList<>(batch.decisions().size());
            for (PhaseTwoDecision decision : batch.decisions()) {
                underWay.add(decisions.submit(() -> carryOut(decision)));
            }
            for (int i = 0; i < underWay.size(); i++) {
                results.add(resultOf(batch.decisions().get(i), underWay.get(i)));
            }
        }
        return new PhaseTwoBatchResponse(twoPhase.identity().participantId(), results);
    }

    private PhaseTwoResult carryOut(PhaseTwoDecision decision) {
        try {
            PhaseTwoResponse response = switch (decision.outcome()) {
                case COMMIT -> twoPhase.commit(decision.txId(), decision.decisionIndex());
                case ABORT -> twoPhase.abort(decision.txId(), decision.decisionIndex());
            };
            return PhaseTwoResult.done(decision.txId(), response.outcome());
        } catch (BranchException e) {
            if (e.code().status() >= 500) {
                log.warn("{}: {}", e.code(), e.getMessage());
            }
            return PhaseTwoResult.failed(decision.txId(), e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("unexpected failure in phase 2 of transaction {}", decision.txId(), e);
            return PhaseTwoResult.failed(decision.txId(), ErrorCode.INTERNAL_ERROR,
                    "unexpected failure; the decision may be delivered again");
        }
    }

    private static PhaseTwoResult resultOf(PhaseTwoDecision decision, Future<PhaseTwoResult> underWay) {
        try {
            return underWay.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PhaseTwoResult.failed(decision.txId(), ErrorCode.PARTICIPANT_UNAVAILABLE, "interrupted");
        } catch (ExecutionException e) {
            return PhaseTwoResult.failed(decision.txId(), ErrorCode.INTERNAL_ERROR, String.valueOf(e.getCause()));
        }
    }
}
