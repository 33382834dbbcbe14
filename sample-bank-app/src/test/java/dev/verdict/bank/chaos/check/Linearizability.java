package dev.verdict.bank.chaos.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Wing–Gong linearizability checker with Lowe's refinement (the one Porcupine and Knossos's "linear" checker use):
 * a depth-first search for a linearization over the history's call and return events, lifting an operation out of
 * the event list when it is linearized and putting it back when the search backtracks, with a cache of
 * (set of linearized operations, state) pairs already explored so no configuration is searched twice.
 *
 * <p>Nondeterministic models are handled by the subset construction: the search state is the set of every state
 * the object may be in, closed under the model's internal transitions. A linearization exists if and only if some
 * order keeps that set non-empty.
 *
 * <p>An operation whose response never came ({@code returnedAt == Long.MAX_VALUE}) may take effect at any time after
 * its call; the model must let such an operation also have no visible effect if "it never happened" is possible.
 *
 * <p>Histories of independent objects (e.g. one register per transaction) should be checked one object at a time
 * ({@link #checkEach}): linearizability is local (Herlihy and Wing), and small histories keep the search cheap.
 */
public final class Linearizability {

    /** One operation: its call and return times (return {@link Long#MAX_VALUE} if it never returned). */
    public record Entry<O>(int id, O op, long calledAt, long returnedAt) {
        public Entry {
            if (returnedAt < calledAt) {
                throw new IllegalArgumentException("operation " + id + " returned before it was called");
            }
        }
    }

    /**
     * The verdict on one history.
     *
     * @param linearizable whether a linearization was found
     * @param exhausted    the search hit its step budget before deciding (then {@code linearizable} is false and
     *                     the history is not proven wrong)
     * @param order        a linearization when there is one
     * @param longestPrefix on failure, the longest prefix of a linearization the search found
     * @param blocked      on failure, the operations that could not be linearized after that prefix (the pending
     *                     calls at the point where the search had to give up on it)
     * @param steps        search steps taken
     */
    public record Result<O>(boolean linearizable, boolean exhausted, List<Entry<O>> order,
                            List<Entry<O>> longestPrefix, List<Entry<O>> blocked, long steps) {
    }

    public static final long DEFAULT_MAX_STEPS = 5_000_000;

    private Linearizability() {
    }

    public static <S, O> Result<O> check(Model<S, O> model, Collection<Entry<O>> history) {
        return check(model, history, DEFAULT_MAX_STEPS);
    }

    /** Checks the histories of independent objects one by one; the map keeps the key order it was given. */
    public static <K, S, O> Map<K, Result<O>> checkEach(Model<S, O> model, Map<K, ? extends Collection<Entry<O>>> histories) {
        Map<K, Result<O>> results = new java.util.LinkedHashMap<>();
        histories.forEach((key, history) -> results.put(key, check(model, history)));
        return results;
    }

    public static <S, O> Result<O> check(Model<S, O> model, Collection<Entry<O>> history, long maxSteps) {
        return new Search<>(model, history, maxSteps).run();
    }

    private static final class Search<S, O> {

        private final Model<S, O> model;
        private final List<Entry<O>> entries;
        private final long maxSteps;
        // The event list: 2n nodes (node 2i is the call of entries[i], 2i+1 its return) plus a head sentinel at 2n.
        private final int[] next;
        private final int[] prev;
        private final int head;

        Search(Model<S, O> model, Collection<Entry<O>> history, long maxSteps) {
            this.model = model;
            this.entries = List.copyOf(history);
            this.maxSteps = maxSteps;
            int n = entries.size();
            Set<Integer> ids = new HashSet<>();
            for (Entry<O> e : entries) {
                if (!ids.add(e.id())) {
                    throw new IllegalArgumentException("two operations share id " + e.id());
                }
            }
            record Event(int node, long time, int kind) {
            }
            List<Event> events = new ArrayList<>(2 * n);
            for (int i = 0; i < n; i++) {
                events.add(new Event(2 * i, entries.get(i).calledAt(), 0));
                events.add(new Event(2 * i + 1, entries.get(i).returnedAt(), 1));
            }
            // Calls before returns at equal times: touching intervals count as concurrent (the lenient reading).
            events.sort(Comparator.comparingLong(Event::time).thenComparingInt(Event::kind).thenComparingInt(Event::node));
            head = 2 * n;
            next = new int[2 * n + 1];
            prev = new int[2 * n + 1];
            int last = head;
            for (Event event : events) {
                next[last] = event.node();
                prev[event.node()] = last;
                last = event.node();
            }
            next[last] = -1;
        }

        private void lift(int entry) {
            for (int node : new int[] {2 * entry, 2 * entry + 1}) {
                next[prev[node]] = next[node];
                if (next[node] >= 0) {
                    prev[next[node]] = prev[node];
                }
            }
        }

        private void unlift(int entry) {
            for (int node : new int[] {2 * entry + 1, 2 * entry}) {
                next[prev[node]] = node;
                if (next[node] >= 0) {
                    prev[next[node]] = node;
                }
            }
        }

        private Set<S> close(Collection<S> states) {
            Set<S> closed = new LinkedHashSet<>(states);
            Deque<S> todo = new ArrayDeque<>(states);
            while (!todo.isEmpty()) {
                for (S s : model.internal(todo.pop())) {
                    if (closed.add(s)) {
                        todo.push(s);
                    }
                }
            }
            return Set.copyOf(closed);
        }

        private Set<S> apply(Set<S> states, O op) {
            List<S> after = new ArrayList<>();
            for (S s : states) {
                after.addAll(model.step(s, op));
            }
            return after.isEmpty() ? Set.of() : close(after);
        }

        private record Frame<S>(int entry, Set<S> stateBefore) {
        }

        private record Config<S>(BitSet linearized, Set<S> state) {
        }

        Result<O> run() {
            Set<S> state = close(List.of(model.initial()));
            BitSet linearized = new BitSet(entries.size());
            Set<Config<S>> cache = new HashSet<>();
            Deque<Frame<S>> stack = new ArrayDeque<>();
            List<Integer> longest = List.of();
            List<Integer> blockedAtLongest = List.of();
            long steps = 0;
            int node = next[head];
            while (next[head] >= 0) {
                if (++steps > maxSteps) {
                    return new Result<>(false, true, List.of(), toEntries(longest), toEntries(blockedAtLongest), steps);
                }
                if (node < 0) {
                    throw new IllegalStateException("ran off the event list");
                }
                int entry = node / 2;
                boolean isCall = node % 2 == 0;
                if (isCall) {
                    Set<S> after = apply(state, entries.get(entry).op());
                    if (!after.isEmpty()) {
                        BitSet with = (BitSet) linearized.clone();
                        with.set(entry);
                        if (cache.add(new Config<>(with, after))) {
                            stack.push(new Frame<>(entry, state));
                            state = after;
                            linearized = with;
                            lift(entry);
                            if (stack.size() > longest.size()) {
                                longest = stackOrder(stack);
                                blockedAtLongest = pendingCalls();
                            }
                            node = next[head];
                            continue;
                        }
                    }
                    node = next[node];
                } else {
                    // The return of an operation not linearized yet: every order from here is dead; backtrack.
                    if (stack.isEmpty()) {
                        return new Result<>(false, false, List.of(), toEntries(longest),
                                toEntries(longest.isEmpty() ? pendingCalls() : blockedAtLongest), steps);
                    }
                    Frame<S> top = stack.pop();
                    state = top.stateBefore();
                    linearized = (BitSet) linearized.clone();
                    linearized.clear(top.entry());
                    unlift(top.entry());
                    node = next[2 * top.entry()];
                }
            }
            return new Result<>(true, false, toEntries(stackOrder(stack)), List.of(), List.of(), steps);
        }

        /** The calls that are "minimal" now: every call before the first return in the event list. */
        private List<Integer> pendingCalls() {
            List<Integer> calls = new ArrayList<>();
            for (int node = next[head]; node >= 0 && node % 2 == 0; node = next[node]) {
                calls.add(node / 2);
            }
            return calls;
        }

        private static <S> List<Integer> stackOrder(Deque<Frame<S>> stack) {
            List<Integer> order = new ArrayList<>(stack.size());
            stack.descendingIterator().forEachRemaining(f -> order.add(f.entry()));
            return order;
        }

        private List<Entry<O>> toEntries(List<Integer> indexes) {
            return indexes.stream().map(entries::get).toList();
        }
    }
}
