package dev.verdict.bank.chaos.check;

import java.util.List;

/**
 * The sequential specification of an object, for the linearizability checker. It may be nondeterministic: an
 * operation may lead to several states, and the object may move on its own (internal transitions, such as a
 * coordinator aborting a transaction at its deadline without any client asking).
 *
 * @param <S> a state; immutable, with value equality
 * @param <O> an operation with its observed result
 */
public interface Model<S, O> {

    S initial();

    /** The states {@code op} may leave the object in when applied in {@code state}; empty if it cannot happen there. */
    List<S> step(S state, O op);

    /** The states the object may move to from {@code state} on its own, in one step. None by default. */
    default List<S> internal(S state) {
        return List.of();
    }
}
