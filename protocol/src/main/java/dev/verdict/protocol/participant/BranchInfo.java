package dev.verdict.protocol.participant;

import java.time.Instant;

/** One branch as an operator sees it on {@code GET /verdict/v1/branches}. */
public record BranchInfo(long txId, String gid, BranchState state, Instant since, Instant deadline) {
}
