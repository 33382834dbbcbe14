package dev.verdict.bank.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NemesisScheduleTest {

    @Test
    void theSameSeedGivesTheSameSchedule() {
        NemesisSchedule a = NemesisSchedule.generate(1234, NemesisSchedule.Spec.shortRun(20));
        NemesisSchedule b = NemesisSchedule.generate(1234, NemesisSchedule.Spec.shortRun(20));
        assertThat(a.faults()).isEqualTo(b.faults());
        assertThat(a.describe()).isEqualTo(b.describe());
        NemesisSchedule c = NemesisSchedule.generate(1235, NemesisSchedule.Spec.shortRun(20));
        assertThat(c.faults()).isNotEqualTo(a.faults());
    }

    @Test
    void aShortRunCoversEveryKindWithinItsFirstRound() {
        for (long seed = 0; seed < 50; seed++) {
            NemesisSchedule schedule = NemesisSchedule.generate(seed, NemesisSchedule.Spec.shortRun(20));
            assertThat(schedule.faults()).hasSizeGreaterThanOrEqualTo(20);
            assertThat(schedule.faults().subList(0, FaultKind.values().length)).extracting(Fault::kind)
                    .containsExactlyInAnyOrder(FaultKind.values());
            assertThat(schedule.faults()).extracting(Fault::seq)
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(1, schedule.faults().size()).boxed().toList());
        }
    }

    @Test
    void timingsStayWithinTheSpec() {
        NemesisSchedule.Spec spec = NemesisSchedule.Spec.shortRun(30);
        for (Fault f : NemesisSchedule.generate(99, spec).faults()) {
            assertThat(f.gapMillis()).isBetween(spec.minGap().toMillis(), spec.maxGap().toMillis());
            assertThat(f.holdMillis()).isBetween(spec.minHold().toMillis(), spec.maxHold().toMillis());
            if (f.kind() == FaultKind.LINK_DELAY) {
                assertThat(f.delayMillis()).isBetween(spec.minDelay().toMillis(), spec.maxDelay().toMillis());
            } else {
                assertThat(f.delayMillis()).isZero();
            }
        }
    }

    @Test
    void aLongRunFillsItsDuration() {
        NemesisSchedule schedule = NemesisSchedule.generate(7, NemesisSchedule.Spec.longRun(Duration.ofMinutes(30)));
        assertThat(schedule.plannedDuration()).isGreaterThanOrEqualTo(Duration.ofMinutes(30));
        assertThat(schedule.faults().stream().map(Fault::kind).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(FaultKind.class));
    }

    @Test
    void onlyTheKindsAskedFor() {
        var spec = new NemesisSchedule.Spec(Duration.ZERO, 12, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO,
                EnumSet.of(FaultKind.KILL_AGENT, FaultKind.PAUSE_COORDINATOR));
        assertThat(NemesisSchedule.generate(5, spec).faults()).hasSize(12).extracting(Fault::kind)
                .containsOnly(FaultKind.KILL_AGENT, FaultKind.PAUSE_COORDINATOR);
    }

    @Test
    void picksAreStableAndSpread() {
        Fault fault = new Fault(1, FaultKind.KILL_FOLLOWER, 0, 0, 0xdeadbeefL, 0);
        assertThat(fault.pick(2, 0)).isEqualTo(fault.pick(2, 0));
        int[] seen = new int[3];
        for (long choice = 0; choice < 300; choice++) {
            seen[new Fault(1, FaultKind.KILL_AGENT, 0, 0, choice, 0).pick(3, 1)]++;
        }
        assertThat(java.util.Arrays.stream(seen).min().orElseThrow()).isGreaterThan(50);
    }
}
