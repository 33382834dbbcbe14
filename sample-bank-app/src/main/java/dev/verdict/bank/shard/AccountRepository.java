package dev.verdict.bank.shard;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.Param;

/** The shard's accounts. Inside a request carrying Verdict-Tx every call runs on the branch's connection. */
public interface AccountRepository extends Repository<Account, Long> {

    Optional<Account> findById(long id);

    boolean existsById(long id);

    /** Conditional debit: 0 rows when the balance is too low (or the account is missing), never a negative balance. */
    @Modifying
    @Query("UPDATE accounts SET balance = balance - :amount WHERE id = :id AND balance >= :amount")
    int debit(@Param("id") long id, @Param("amount") long amount);

    @Modifying
    @Query("UPDATE accounts SET balance = balance + :amount WHERE id = :id")
    int credit(@Param("id") long id, @Param("amount") long amount);

    @Query("SELECT id, balance FROM accounts WHERE id BETWEEN :fromId AND :toId ORDER BY id")
    List<Account> findRange(@Param("fromId") long fromId, @Param("toId") long toId);

    /** Seeds this shard's accounts; existing ones are left alone, so seeding is idempotent. */
    @Modifying
    @Query("""
            INSERT INTO accounts (id, balance)
            SELECT g, :balance FROM generate_series(1, :accounts) AS g WHERE g % :shardCount = :shardIndex
              AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = g)
            ON CONFLICT (id) DO NOTHING""")
    int seed(@Param("accounts") long accounts, @Param("shardCount") int shardCount,
            @Param("shardIndex") int shardIndex, @Param("balance") long balance);
}
