package dev.verdict.bank.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.bank.chaos.nemesis.FaultKind;
import dev.verdict.bank.chaos.nemesis.FaultWindow;
import java.util.EnumSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Jepsen-style bank test on real processes: 3 coordinators, 2 durable PostgreSQL shards, an agent per shard and
 * the gateway, clients transferring (some overdrawing), auditing and reading decisions while the nemesis kills,
 * stops, partitions, pauses, delays and duplicates; then every rule of {@link dev.verdict.bank.chaos.check.BankChecker}
 * must hold. Short by default (at least 20 faults, every kind); {@code -Pchaos} runs it long. See docs/chaos.md.
 */
class BankChaosIT {

    @Test
    void theBankKeepsEveryGuaranteeUnderTheNemesis() {
        ChaosConfig config = ChaosConfig.fromSystemProperties();
        BankChaosRun.Outcome outcome = BankChaosRun.run(config);

        assertThat(outcome.report().violations())
                .as("violations of seed %d (report in %s):%n%s", config.seed(), outcome.reportDirectory(),
                        outcome.summary().markdown())
                .isEmpty();
        assertThat(outcome.faults()).hasSizeGreaterThanOrEqualTo(config.minFaults());
        assertThat(outcome.faults().stream().map(FaultWindow::kind).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(FaultKind.class));
        assertThat(outcome.report().stats().transfers().getOrDefault("COMMITTED", 0)).isPositive();
    }
}
