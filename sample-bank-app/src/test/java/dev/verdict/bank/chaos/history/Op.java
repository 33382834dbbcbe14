package dev.verdict.bank.chaos.history;

/**
 * One operation of the history: its invocation and, once completed, its response. Times are nanoseconds since the
 * start of the history, from one monotonic clock shared by every client thread.
 *
 * @param id          unique, in invocation order
 * @param process     the logical client that issued it; a client that got an unknown outcome continues as a new
 *                    process (its old operation may still be in flight), as in Jepsen
 * @param invokedAt   when the call was made
 * @param completedAt when the answer came, or {@link Long#MAX_VALUE} if it never did (the run ended first)
 * @param outcome     how it ended; {@link Outcome#INFO} also for operations still pending at the end
 * @param result      the answer (for {@link Outcome#INFO} possibly a partial one, or null)
 * @param error       why it failed or is unknown, or null
 */
public record Op(int id, int process, Call call, long invokedAt, long completedAt, Outcome outcome, Result result,
                 String error) {

    public static final long NEVER = Long.MAX_VALUE;

    public boolean completed() {
        return completedAt != NEVER;
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /** The transfer result when this is a transfer with an answer (possibly partial), else null. */
    public Result.Transfer transferResult() {
        return result instanceof Result.Transfer t ? t : null;
    }

    /** The transaction this transfer ran as, when it is known. */
    public Long txId() {
        Result.Transfer t = transferResult();
        return t == null ? null : t.txId();
    }
}
