package dev.verdict.bank;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The bank's settings ({@code bank.*}), shared by both roles and by the demo launcher.
 *
 * @param shardCount      number of shards; account {@code id} lives on shard {@code id mod shardCount}
 * @param accounts        total number of accounts, ids {@code 1..accounts}
 * @param initialBalance  balance each account is seeded with, in minor units
 * @param shardIndex      shard role: which shard this agent serves ({@code 0..shardCount-1})
 * @param shardUrls       gateway role: base URL of every shard agent, in shard-index order
 * @param transferTimeout gateway role: deadline of a transfer's global transaction
 * @param audit           gateway role: how the audit takes its consistent cut
 * @param demo            gateway role, in the demo: the launcher's process control API
 * @param coordinatorConsoleUrls gateway role: where a browser reaches each coordinator's console, in the order of
 *                        {@code verdict.client.coordinator-urls}, for the page's links; empty: those URLs (which
 *                        a browser cannot always open, e.g. names inside a Docker network)
 */
@Validated
@ConfigurationProperties("bank")
public record BankProperties(
        @DefaultValue("2") @Min(1) int shardCount,
        @DefaultValue("100") @Min(1) int accounts,
        @DefaultValue("10000") @Min(0) long initialBalance,
        @DefaultValue("-1") int shardIndex,
        @DefaultValue List<URI> shardUrls,
        @DefaultValue("10s") @NotNull Duration transferTimeout,
        @DefaultValue @Valid Audit audit,
        @DefaultValue Demo demo,
        @DefaultValue List<URI> coordinatorConsoleUrls) {

    public BankProperties {
        Math.multiplyExact(accounts, initialBalance); // the expected total must fit in a bigint
    }

    public Sharding sharding() {
        return new Sharding(shardCount, accounts);
    }

    /** accounts × initial balance: what the audit must always find. */
    public long expectedTotal() {
        return Math.multiplyExact(accounts, initialBalance);
    }

    /**
     * @param lockTimeout how long one shard waits for a row lock before this audit attempt gives way to transfers
     * @param attempts    attempts before the audit answers 503 AUDIT_UNAVAILABLE
     * @param timeout     deadline of each attempt's global transaction
     */
    public record Audit(
            @DefaultValue("1s") @NotNull Duration lockTimeout,
            @DefaultValue("5") @Min(1) int attempts,
            @DefaultValue("10s") @NotNull Duration timeout) {
    }

    /** @param controlUrl the demo launcher's control API; unset outside the demo */
    public record Demo(URI controlUrl) {
    }
}
