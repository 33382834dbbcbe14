package dev.verdict.bank.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.verdict.bank.demo.DemoTopology;
import dev.verdict.bank.demo.ShardDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The bank's invariants, checked in the shards' databases themselves (not through the code under test) once
 * every transfer is answered and every prepared branch resolved.
 */
final class BankChecks {

    record LedgerRow(UUID transferId, long accountId, long delta) {
    }

    private BankChecks() {
    }

    /** Waits until no shard holds a prepared transaction: every decision has reached every participant. */
    static void awaitNoPreparedTransactions(DemoTopology bank) {
        await("every prepared branch resolved").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> bank.databases().stream().allMatch(db ->
                        jdbc(db).queryForObject("SELECT count(*) FROM pg_prepared_xacts", Long.class) == 0));
    }

    /**
     * Every balance >= 0, the total conserved, every balance equal to its initial balance plus its ledger,
     * every transfer in the ledger complete (both legs, opposite amounts), every COMMITTED attempt's legs present
     * and every aborted one's absent, every audit answered during the run consistent.
     */
    static void assertInvariants(DemoTopology bank, List<BankHttp.Attempt> attempts, List<Map<String, Object>> audits) {
        Map<Long, Long> balances = new HashMap<>();
        List<LedgerRow> ledger = new ArrayList<>();
        for (ShardDatabase db : bank.databases()) {
            jdbc(db).query("SELECT id, balance FROM accounts", rs -> {
                balances.put(rs.getLong(1), rs.getLong(2));
            });
            jdbc(db).query("SELECT transfer_id, account_id, delta FROM ledger", rs -> {
                ledger.add(new LedgerRow(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3)));
            });
        }
        long initial = bank.spec().initialBalance();
        assertThat(balances).as("every account exists").hasSize(bank.spec().accounts());
        assertThat(balances.values()).as("no negative balance").allMatch(b -> b >= 0);
        assertThat(balances.values().stream().mapToLong(Long::longValue).sum()).as("total").isEqualTo(bank.expectedTotal());

        Map<Long, Long> ledgerSums = ledger.stream()
                .collect(Collectors.groupingBy(LedgerRow::accountId, Collectors.summingLong(LedgerRow::delta)));
        balances.forEach((id, balance) -> assertThat(balance)
                .as("account %d reconciles with its ledger", id)
                .isEqualTo(initial + ledgerSums.getOrDefault(id, 0L)));

        Map<UUID, List<LedgerRow>> byTransfer = ledger.stream().collect(Collectors.groupingBy(LedgerRow::transferId));
        byTransfer.forEach((transfer, legs) -> {
            assertThat(legs).as("transfer %s has both legs", transfer).hasSize(2);
            assertThat(legs.get(0).delta() + legs.get(1).delta()).as("transfer %s moves money, never makes it", transfer).isZero();
        });

        for (BankHttp.Attempt attempt : attempts) {
            List<LedgerRow> legs = byTransfer.getOrDefault(attempt.transferId(), List.of());
            switch (attempt.outcome()) {
                case COMMITTED -> assertThat(legs).as("legs of committed %s", attempt).containsExactlyInAnyOrder(
                        new LedgerRow(attempt.transferId(), attempt.from(), -attempt.amount()),
                        new LedgerRow(attempt.transferId(), attempt.to(), attempt.amount()));
                case ABORTED, INSUFFICIENT_FUNDS -> assertThat(legs).as("legs of aborted %s", attempt).isEmpty();
                case UNKNOWN -> assertThat(legs.size()).as("legs of %s (outcome unknown to the client)", attempt).isIn(0, 2);
            }
        }

        assertThat(audits).as("audits taken while transfers ran").isNotEmpty();
        for (Map<String, Object> audit : audits) {
            assertThat(audit).as("an audit taken while transfers ran").containsEntry("consistent", true)
                    .containsEntry("negative", 0);
            assertThat(((Number) audit.get("total")).longValue()).isEqualTo(bank.expectedTotal());
        }
    }

    private static JdbcTemplate jdbc(ShardDatabase db) {
        return new JdbcTemplate(db.dataSource());
    }
}
