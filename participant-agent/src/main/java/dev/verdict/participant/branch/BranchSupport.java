package dev.verdict.participant.branch;

import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.DeclarationSeal;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Wires the branch machinery around one shared registry and memory; the auto-configuration exposes its parts
 * as beans. Kept here so the package's internals (Branch, BranchRegistry, BranchOpener) stay package-private.
 */
public final class BranchSupport {

    private final BranchWorkRunner runner;
    private final TwoPhaseParticipant twoPhase;
    private final BranchReaper reaper;
    private final BranchListing listing;

    /**
     * Settings of the branch machinery.
     *
     * @param declarationKey the key of the coordinator's seals on declared participants, or null (always enlist)
     */
    public record Settings(Duration branchTimeout, Duration lockTimeout, int endedMemorySize, Duration busyWait,
            String declarationKey) {
    }

    public BranchSupport(DataSource dataSource, CoordinatorApi coordinator, ParticipantIdentity identity,
            Supplier<String> endpoint, PreparedTransactions prepared, Settings settings, Clock clock) {
        EndedTransactions ended = new EndedTransactions(settings.endedMemorySize());
        BranchRegistry registry = new BranchRegistry(ended);
        BranchOpener opener = new BranchOpener(coordinator, dataSource, identity, endpoint,
                settings.branchTimeout(), settings.lockTimeout(),
                DeclarationSeal.withKey(settings.declarationKey()).orElse(null), clock);
        this.runner = new BranchWorkRunner(dataSource, identity, registry, ended, opener, settings.branchTimeout(), clock);
        PrepareVoter voter = new PrepareVoter(identity, registry, ended, prepared, settings.busyWait());
        this.twoPhase = new TwoPhaseParticipant(identity, registry, ended, prepared, coordinator, voter, settings.busyWait());
        this.reaper = new BranchReaper(registry, clock);
        this.listing = new BranchListing(identity, registry, prepared);
    }

    public BranchWorkRunner runner() {
        return runner;
    }

    public TwoPhaseParticipant twoPhase() {
        return twoPhase;
    }

    public BranchReaper reaper() {
        return reaper;
    }

    public BranchListing listing() {
        return listing;
    }
}
