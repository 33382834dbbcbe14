package dev.verdict.bank.chaos.check;

import java.util.List;

/** A read/write register starting at 0: the textbook model, to test the search itself. */
record RegisterModel() implements Model<Integer, RegisterModel.Op> {

    sealed interface Op {
    }

    record Write(int value) implements Op {
    }

    record Read(int value) implements Op {
    }

    @Override
    public Integer initial() {
        return 0;
    }

    @Override
    public List<Integer> step(Integer state, Op op) {
        return switch (op) {
            case Write(int value) -> List.of(value);
            case Read(int value) -> value == state ? List.of(state) : List.of();
        };
    }
}
