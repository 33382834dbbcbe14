package dev.verdict.participant.endpoint;

import dev.verdict.participant.branch.BranchException;
import dev.verdict.participant.branch.BranchListing;
import dev.verdict.participant.branch.TwoPhaseParticipant;
import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.participant.BranchInfo;
import dev.verdict.protocol.participant.ParticipantApi;
import dev.verdict.protocol.participant.PhaseTwoBatch;
import dev.verdict.protocol.participant.PhaseTwoBatchResponse;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import dev.verdict.protocol.participant.PhaseTwoResponse;
import dev.verdict.protocol.participant.PrepareResponse;
import java.util.List;
import org.springframework.web.bind.annotation.RestController;

/** The 2PC endpoints the coordinator calls; the mappings come from {@link ParticipantApi}'s @HttpExchange. */
@RestController
public class BranchController implements ParticipantApi {

    private final TwoPhaseParticipant twoPhase;
    private final BranchListing listing;
    private final PhaseTwoBatchRunner batches;

    public BranchController(TwoPhaseParticipant twoPhase, BranchListing listing) {
        this.twoPhase = twoPhase;
        this.listing = listing;
        this.batches = new PhaseTwoBatchRunner(twoPhase);
    }

    @Override
    public PrepareResponse prepare(long txId) {
        return twoPhase.prepare(requireTxId(txId));
    }

    @Override
    public PhaseTwoResponse commit(long txId, PhaseTwoRequest request) {
        return twoPhase.commit(requireTxId(txId), request.decisionIndex());
    }

    @Override
    public PhaseTwoResponse abort(long txId, PhaseTwoRequest request) {
        return twoPhase.abort(requireTxId(txId), request.decisionIndex());
    }

    @Override
    public PhaseTwoBatchResponse phaseTwo(PhaseTwoBatch batch) {
        return batches.run(batch);
    }

    @Override
    public List<BranchInfo> branches() {
        return listing.branches();
    }

    private static long requireTxId(long txId) {
        if (txId <= 0) {
            throw new BranchException(ErrorCode.VALIDATION_FAILED, "txId must be positive: " + txId);
        }
        return txId;
    }
}
