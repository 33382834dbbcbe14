package dev.verdict.protocol.participant;

import jakarta.validation.Valid;
import java.util.List;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * What a coordinator calls on a participant, relative to the endpoint the participant enlisted with.
 * Every call is idempotent: a participant decides by what {@code pg_prepared_xacts} says, not only by memory,
 * and answers 200 once the branch is in the asked state.
 */
@HttpExchange(url = "/verdict/v1/branches", accept = "application/json")
public interface ParticipantApi {

    /** Runs PREPARE TRANSACTION; a branch this participant does not hold votes NO. */
    @PostExchange("/{txId}/prepare")
    PrepareResponse prepare(@PathVariable("txId") long txId);

    /** COMMIT PREPARED. Sent only after the COMMIT decision is committed in the Raft log. */
    @PostExchange(url = "/{txId}/commit", contentType = "application/json")
    PhaseTwoResponse commit(@PathVariable("txId") long txId, @RequestBody @Valid PhaseTwoRequest request);

    /** ROLLBACK PREPARED, or a local rollback of a branch that was never prepared. */
    @PostExchange(url = "/{txId}/abort", contentType = "application/json")
    PhaseTwoResponse abort(@PathVariable("txId") long txId, @RequestBody @Valid PhaseTwoRequest request);

    /**
     * Phase 2 of several branches in one call: each decision is carried out as {@link #commit} or {@link #abort}
     * would carry it out, and answered with its own result; one that fails does not fail the others.
     */
    @PostExchange(url = "/phase-two", contentType = "application/json")
    PhaseTwoBatchResponse phaseTwo(@RequestBody @Valid PhaseTwoBatch batch);

    /** Active and in-doubt branches, for operators. */
    @GetExchange
    List<BranchInfo> branches();
}
