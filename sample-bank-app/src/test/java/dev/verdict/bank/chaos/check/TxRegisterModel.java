package dev.verdict.bank.chaos.check;

import dev.verdict.bank.chaos.history.TxReading;
import java.util.List;

/**
 * The sequential specification of one transaction's entry in the coordinator's decision log, as clients see it:
 * a register that starts {@code ACTIVE}, may move to {@code PREPARING}, is decided {@code COMMITTED} or
 * {@code ABORTED} once and for all (first decision wins), and may later be forgotten (a status read then answers
 * {@code NOT_FOUND}).
 *
 * <p>Operations: a client's commit (or abort) answered with the decision, a commit whose answer is unknown, and
 * reads. The coordinator also moves on its own, without a client operation: it starts the prepare round, aborts at
 * the deadline or on a NO vote, and forgets decided transactions. A COMMIT, though, only ever comes from a client's
 * commit: there is no internal transition to {@code COMMITTED}.
 */
public final class TxRegisterModel implements Model<TxReading, TxRegisterModel.Op> {

    /** An operation on one transaction, with what the client observed. */
    public sealed interface Op {
    }

    /** A commit or abort request answered with the decision {@code outcome} (COMMITTED or ABORTED). */
    public record Decide(TxReading outcome) implements Op {
        public Decide {
            if (!outcome.isDecided()) {
                throw new IllegalArgumentException("a decision is COMMITTED or ABORTED, not " + outcome);
            }
        }
    }

    /** A commit request whose answer is unknown: it may have decided either way, or done nothing visible. */
    public record DecideUnknown() implements Op {
    }

    /** A linearizable status read that returned {@code seen}. */
    public record Read(TxReading seen) implements Op {
    }

    public static final TxRegisterModel INSTANCE = new TxRegisterModel();

    @Override
    public TxReading initial() {
        return TxReading.ACTIVE;
    }

    @Override
    public List<TxReading> step(TxReading state, Op op) {
        return switch (op) {
            case Decide(TxReading outcome) -> switch (state) {
                case ACTIVE, PREPARING -> List.of(outcome);
                case COMMITTED, ABORTED -> state == outcome ? List.of(state) : List.of();
                case NOT_FOUND -> List.of();
            };
            case DecideUnknown() -> switch (state) {
                case ACTIVE, PREPARING -> List.of(state, TxReading.COMMITTED, TxReading.ABORTED);
                default -> List.of(state);
            };
            case Read(TxReading seen) -> seen == state ? List.of(state) : List.of();
        };
    }

    @Override
    public List<TxReading> internal(TxReading state) {
        return switch (state) {
            case ACTIVE -> List.of(TxReading.PREPARING, TxReading.ABORTED);
            case PREPARING -> List.of(TxReading.ABORTED);
            case COMMITTED, ABORTED -> List.of(TxReading.NOT_FOUND);
            case NOT_FOUND -> List.of();
        };
    }
}
