package dev.verdict.protocol.participant;

import dev.verdict.protocol.Vote;

/** A participant's vote, with a reason when it is NO (for operators and the transaction's status). */
public record PrepareResponse(Vote vote, String reason) {

    public static PrepareResponse yes() {
        return new PrepareResponse(Vote.YES, null);
    }

    public static PrepareResponse readOnly() {
        return new PrepareResponse(Vote.READ_ONLY, null);
    }

    public static PrepareResponse no(String reason) {
        return new PrepareResponse(Vote.NO, reason);
    }
}
