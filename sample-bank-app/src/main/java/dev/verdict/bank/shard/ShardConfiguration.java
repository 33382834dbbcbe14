package dev.verdict.bank.shard;

import dev.verdict.bank.BankProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The shard role: one agent beside one PostgreSQL database, a participant through the starter. */
@Configuration(proxyBeanMethods = false)
@Profile("shard")
class ShardConfiguration {

    @Bean
    ShardIdentity shardIdentity(BankProperties bank) {
        return new ShardIdentity(bank.shardIndex(), bank.shardCount());
    }
}
