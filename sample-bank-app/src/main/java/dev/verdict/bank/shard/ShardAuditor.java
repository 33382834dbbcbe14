package dev.verdict.bank.shard;

import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import dev.verdict.bank.shard.api.AuditSlice;
import java.time.Duration;
import org.springframework.context.annotation.Profile;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * This shard's part of the audit, read in the audit transaction's branch: every account row locked FOR SHARE
 * in id order, so no transfer can change them until the global transaction ends, and summed. The locks are
 * asked for with a short {@code lock_timeout}: an audit that meets a transfer waiting for it on another shard
 * gives way (LOCK_TIMEOUT) instead of holding the transfer up, and the gateway tries again.
 */
@Service
@Profile("shard")
public class ShardAuditor {

    private final JdbcClient jdbc;
    private final ShardIdentity shard;

    public ShardAuditor(JdbcClient jdbc, ShardIdentity shard) {
        this.jdbc = jdbc;
        this.shard = shard;
    }

    public AuditSlice slice(Duration lockTimeout) {
        jdbc.sql("SELECT set_config('lock_timeout', :timeout, true)") // SET LOCAL: until the branch ends
                .param("timeout", Math.max(1, lockTimeout.toMillis()) + "ms")
                .query(String.class)
                .single();
        try {
            return jdbc.sql("""
                            SELECT count(*), coalesce(sum(balance), 0)::bigint, count(*) FILTER (WHERE balance < 0)
                            FROM (SELECT balance FROM accounts ORDER BY id FOR SHARE) AS locked""")
                    .query((rs, row) -> new AuditSlice(shard.index(), rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                    .single();
        } catch (PessimisticLockingFailureException e) {
            throw new BankException(BankError.LOCK_TIMEOUT,
                    "shard " + shard.index() + ": account rows stayed locked longer than " + lockTimeout);
        }
    }
}
