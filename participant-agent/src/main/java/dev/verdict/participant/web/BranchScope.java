package dev.verdict.participant.web;

/** Which part of a request carrying {@code Verdict-Tx} runs in the transaction's branch. */
public enum BranchScope {
    /** The whole request: every JdbcTemplate call the request makes is in the branch. */
    REQUEST,
    /** Only methods annotated {@code @BranchWork}; the header only makes the transaction current. */
    ANNOTATED
}
