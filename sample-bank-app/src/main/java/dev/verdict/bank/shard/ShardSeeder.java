package dev.verdict.bank.shard;

import dev.verdict.bank.BankProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seeds this shard's accounts (ids {@code 1..bank.accounts} with {@code id mod shard-count = shard-index}) with
 * {@code bank.initial-balance} at start, before the web server accepts requests. Idempotent: an account that
 * exists keeps its balance, so a restarted agent seeds nothing. A database that holds another shard is refused.
 */
@Component
@Profile("shard")
class ShardSeeder implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(ShardSeeder.class);

    private final AccountRepository accounts;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ShardIdentity shard;
    private final BankProperties bank;

    ShardSeeder(AccountRepository accounts, JdbcClient jdbc, TransactionTemplate transactions, ShardIdentity shard,
            BankProperties bank) {
        this.accounts = accounts;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.shard = shard;
        this.bank = bank;
    }

    @Override
    public void afterSingletonsInstantiated() {
        int seeded = transactions.execute(status -> {
            claimDatabase();
            return accounts.seed(bank.accounts(), shard.count(), shard.index(), bank.initialBalance());
        });
        log.info("shard {} of {}: seeded {} new accounts with {} each", shard.index(), shard.count(), seeded,
                bank.initialBalance());
    }

    private void claimDatabase() {
        jdbc.sql("INSERT INTO bank_shard (shard_index, shard_count) VALUES (:index, :count) ON CONFLICT DO NOTHING")
                .param("index", shard.index())
                .param("count", shard.count())
                .update();
        ShardIdentity stored = jdbc.sql("SELECT shard_index, shard_count FROM bank_shard")
                .query((rs, row) -> new ShardIdentity(rs.getInt(1), rs.getInt(2)))
                .single();
        if (!stored.equals(shard)) {
            throw new IllegalStateException("this database holds shard " + stored.index() + " of " + stored.count()
                    + ", but the agent was started with bank.shard-index=" + shard.index()
                    + " and bank.shard-count=" + shard.count());
        }
    }
}
