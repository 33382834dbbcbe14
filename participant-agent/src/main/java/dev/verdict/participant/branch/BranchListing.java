package dev.verdict.participant.branch;

import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.participant.BranchInfo;
import dev.verdict.protocol.participant.BranchState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The operator's view: open branches from memory, in-doubt ones from pg_prepared_xacts. */
public final class BranchListing {

    private final ParticipantIdentity identity;
    private final BranchRegistry registry;
    private final PreparedTransactions prepared;

    BranchListing(ParticipantIdentity identity, BranchRegistry registry, PreparedTransactions prepared) {
        this.identity = identity;
        this.registry = registry;
        this.prepared = prepared;
    }

    public List<BranchInfo> branches() {
        List<BranchInfo> result = new ArrayList<>();
        for (Branch branch : registry.all()) {
            if (branch.phase() instanceof BranchPhase.Active || branch.phase() instanceof BranchPhase.Failed) {
                result.add(new BranchInfo(branch.txId(), branch.gid().toString(), BranchState.ACTIVE,
                        branch.since(), branch.deadline()));
            }
        }
        try {
            for (PreparedTransactions.Prepared p : prepared.list(identity.clusterId(), identity.participantId())) {
                result.add(new BranchInfo(p.gid().txId(), p.gid().toString(), BranchState.IN_DOUBT, p.preparedAt(), null));
            }
        } catch (SQLException e) {
            throw new BranchException(ErrorCode.PARTICIPANT_UNAVAILABLE, "cannot read pg_prepared_xacts: " + e.getMessage(), e);
        }
        result.sort(Comparator.comparing(BranchInfo::since));
        return result;
    }
}
