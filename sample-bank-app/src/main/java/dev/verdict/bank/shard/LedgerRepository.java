package dev.verdict.bank.shard;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.Param;

/** The shard's ledger: one row per leg, unique per (transfer, account). */
public interface LedgerRepository extends Repository<LedgerEntry, Long> {

    /** Inserts the leg; 0 when this transfer already has a leg for this account (waits if that one is in flight). */
    @Modifying
    @Query("""
            INSERT INTO ledger (transfer_id, account_id, delta, tx_id) VALUES (:transferId, :accountId, :delta, :txId)
            ON CONFLICT (transfer_id, account_id) DO NOTHING""")
    int insertIfAbsent(@Param("transferId") UUID transferId, @Param("accountId") long accountId,
            @Param("delta") long delta, @Param("txId") long txId);

    Optional<LedgerEntry> findByTransferIdAndAccountId(UUID transferId, long accountId);

    List<LedgerEntry> findByTransferIdOrderByAccountId(UUID transferId);
}
