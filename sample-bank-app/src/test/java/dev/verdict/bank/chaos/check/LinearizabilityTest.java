package dev.verdict.bank.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.bank.chaos.check.Linearizability.Entry;
import dev.verdict.bank.chaos.check.RegisterModel.Read;
import dev.verdict.bank.chaos.check.RegisterModel.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearizabilityTest {

    private static final RegisterModel REGISTER = new RegisterModel();
    private static final long NEVER = Long.MAX_VALUE;

    private static Entry<RegisterModel.Op> op(int id, RegisterModel.Op op, long call, long ret) {
        return new Entry<>(id, op, call, ret);
    }

    @Test
    void emptyHistoryIsLinearizable() {
        assertThat(Linearizability.check(REGISTER, List.of()).linearizable()).isTrue();
    }

    @Test
    void sequentialHistoryFollowsTheModel() {
        var ok = Linearizability.check(REGISTER, List.of(
                op(0, new Write(1), 0, 1), op(1, new Read(1), 2, 3), op(2, new Write(2), 4, 5), op(3, new Read(2), 6, 7)));
        assertThat(ok.linearizable()).isTrue();
        assertThat(ok.order()).extracting(Entry::id).containsExactly(0, 1, 2, 3);

        var stale = Linearizability.check(REGISTER, List.of(
                op(0, new Write(1), 0, 1), op(1, new Read(0), 2, 3)));
        assertThat(stale.linearizable()).isFalse();
        assertThat(stale.exhausted()).isFalse();
    }

    @Test
    void concurrentReadMayTakeEitherValue() {
        // the read overlaps the write: it may linearize before (0) or after (1)
        for (int seen : new int[] {0, 1}) {
            var result = Linearizability.check(REGISTER, List.of(
                    op(0, new Write(1), 0, 10), op(1, new Read(seen), 2, 3)));
            assertThat(result.linearizable()).as("read %d", seen).isTrue();
        }
    }

    @Test
    void aReadCannotGoBackInTime() {
        // w(1) overlaps both reads, but once a read saw 1 a later read cannot see 0
        var result = Linearizability.check(REGISTER, List.of(
                op(0, new Write(1), 0, 10), op(1, new Read(1), 1, 2), op(2, new Read(0), 3, 4)));
        assertThat(result.linearizable()).isFalse();
        assertThat(result.longestPrefix()).isNotEmpty();
    }

    @Test
    void findsTheOrderOnlyBacktrackingReveals() {
        // Two concurrent writes; the search tries w1 then w2 first (event order), which the later read of 1 refutes,
        // so it must backtrack twice and try w2 before w1.
        var history = List.of(op(0, new Write(1), 0, 10), op(1, new Write(2), 0, 10), op(2, new Read(1), 11, 12));
        var result = Linearizability.check(REGISTER, history);
        assertThat(result.linearizable()).isTrue();
        assertThat(result.order()).extracting(Entry::id).containsExactly(1, 0, 2);
        assertThat(result.steps()).isGreaterThan(history.size() * 2L);
    }

    @Test
    void refutesAfterExhaustingEveryOrder() {
        // the reads need w1 last and w2 last at once
        var result = Linearizability.check(REGISTER, List.of(
                op(0, new Write(1), 0, 10), op(1, new Write(2), 0, 10),
                op(2, new Read(1), 11, 12), op(3, new Read(2), 13, 14)));
        assertThat(result.linearizable()).isFalse();
        assertThat(result.exhausted()).isFalse();
        assertThat(result.longestPrefix()).hasSize(3);
        assertThat(result.blocked()).extracting(Entry::id).containsExactly(3);
    }

    @Test
    void pendingOperationsMayTakeEffectLate() {
        // a write that never returned may land after reads that started long after its call
        var result = Linearizability.check(REGISTER, List.of(
                op(0, new Write(7), 0, NEVER), op(1, new Read(0), 5, 6), op(2, new Read(7), 8, 9)));
        assertThat(result.linearizable()).isTrue();
        var refuted = Linearizability.check(REGISTER, List.of(
                op(0, new Write(7), 0, NEVER), op(1, new Read(7), 5, 6), op(2, new Read(0), 8, 9)));
        assertThat(refuted.linearizable()).isFalse();
    }

    @Test
    void touchingIntervalsCountAsConcurrent() {
        var result = Linearizability.check(REGISTER, List.of(op(0, new Write(1), 0, 5), op(1, new Read(0), 5, 6)));
        assertThat(result.linearizable()).isTrue();
    }

    @Test
    void stepBudgetEndsTheSearchWithoutAVerdict() {
        List<Entry<RegisterModel.Op>> history = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            history.add(op(i, new Write(i + 1), 0, 100));
        }
        history.add(op(12, new Read(99), 101, 102));
        var result = Linearizability.check(REGISTER, history, 1_000);
        assertThat(result.exhausted()).isTrue();
        assertThat(result.linearizable()).isFalse();
    }

    @Test
    void agreesWithBruteForceOnRandomHistories() {
        Random random = new Random(42);
        for (int round = 0; round < 400; round++) {
            List<Entry<RegisterModel.Op>> history = new ArrayList<>();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                long call = random.nextInt(20);
                long ret = random.nextInt(8) == 0 ? NEVER : call + random.nextInt(8);
                RegisterModel.Op o = random.nextBoolean() ? new Write(1 + random.nextInt(3)) : new Read(random.nextInt(4));
                history.add(op(i, o, call, ret));
            }
            boolean expected = bruteForce(history);
            assertThat(Linearizability.check(REGISTER, history).linearizable()).as("history %s", history).isEqualTo(expected);
        }
    }

    /** Tries every permutation: linearizable if one respects real time and the model. */
    private static boolean bruteForce(List<Entry<RegisterModel.Op>> history) {
        return permute(new ArrayList<>(history), 0);
    }

    private static boolean permute(List<Entry<RegisterModel.Op>> ops, int k) {
        if (k == ops.size()) {
            return valid(ops);
        }
        for (int i = k; i < ops.size(); i++) {
            java.util.Collections.swap(ops, k, i);
            if (permute(ops, k + 1)) {
                return true;
            }
            java.util.Collections.swap(ops, k, i);
        }
        return false;
    }

    private static boolean valid(List<Entry<RegisterModel.Op>> order) {
        for (int i = 0; i < order.size(); i++) {
            for (int j = i + 1; j < order.size(); j++) {
                // j is after i in the order, so j must not have returned before i was called
                if (order.get(j).returnedAt() < order.get(i).calledAt()) {
                    return false;
                }
            }
        }
        int state = 0;
        for (Entry<RegisterModel.Op> e : order) {
            switch (e.op()) {
                case Write(int v) -> state = v;
                case Read(int v) -> {
                    if (v != state) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
