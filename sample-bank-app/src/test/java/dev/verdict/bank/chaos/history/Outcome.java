package dev.verdict.bank.chaos.history;

/** How an operation ended, in Jepsen's terms. */
public enum Outcome {
    /** It happened, and the result says how (a transfer may have been told ABORTED: that is a definite answer). */
    OK,
    /** It certainly did not happen (e.g. refused before anything was sent, or a read that failed). */
    FAIL,
    /** Unknown: it may or may not have taken effect, at any time from its invocation on (a timeout, a 503, a 504). */
    INFO
}
