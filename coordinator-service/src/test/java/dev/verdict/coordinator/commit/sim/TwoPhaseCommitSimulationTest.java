package dev.verdict.coordinator.commit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded simulation of the 2PC driver over the in-memory log, with leader crashes and partitions, participant
 * crashes, and dropped, delayed and duplicated messages. Each seed is its own test, named by the seed; rerun one
 * with {@code -Dverdict.sim.seed=<seed>} and more with {@code -Dverdict.sim.seeds=<count>}.
 */
class TwoPhaseCommitSimulationTest {

    @TestFactory
    Stream<DynamicTest> atomicCommitHoldsUnderFaults() {
        String single = System.getProperty("verdict.sim.seed");
        long count = Long.getLong("verdict.sim.seeds", 300);
        LongStream seeds = single != null ? LongStream.of(Long.parseLong(single)) : LongStream.rangeClosed(1, count);
        return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            Simulation simulation = new Simulation(seed);
            List<String> violations = simulation.run();
            Simulation.Summary summary = simulation.summary();
            // A run that commits nothing, or injects no fault, would pass vacuously.
            assertThat(summary.committed()).as("seed %d commits something: %s", seed, summary).isPositive();
            assertThat(summary.aborted()).as("seed %d aborts something: %s", seed, summary).isPositive();
            assertThat(summary.faults()).as("seed %d injects faults", seed).isGreaterThan(5);
            assertThat(summary.genuineVotes() + summary.forgedVotes()).as("seed %d carries votes", seed).isPositive();
            assertThat(summary.deferred()).as("seed %d defers begins: %s", seed, summary).isPositive();
            assertThat(summary.leased()).as("seed %d mints ids from a lease: %s", seed, summary).isPositive();
            assertThat(violations)
                    .as("seed %d (rerun with -Dverdict.sim.seed=%d); faults: %s", seed, seed, simulation.faults())
                    .isEmpty();
        }));
    }
}
