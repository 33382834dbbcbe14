package dev.verdict.bank.gateway;

import dev.verdict.bank.BankProperties;
import dev.verdict.bank.Sharding;
import dev.verdict.protocol.http.InternalHttpClients;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Profile;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/** One {@link ShardClient} per shard ({@code bank.shard-urls}, in shard-index order), and the sharding rule. */
@Component
@Profile("gateway")
public class ShardClients {

    private final Sharding sharding;
    private final List<ShardClient> clients;

    public ShardClients(BankProperties bank, RestClient.Builder builder) {
        List<URI> urls = bank.shardUrls();
        if (urls.size() != bank.shardCount()) {
            throw new IllegalStateException("bank.shard-urls names " + urls.size() + " shard agents, but bank.shard-count is "
                    + bank.shardCount() + ": give one URL per shard, in shard-index order");
        }
        this.sharding = bank.sharding();
        this.clients = connect(urls, builder);
    }

    /**
     * One {@link ShardClient} per agent URL (shard-index order), built from {@code builder} (which should carry the
     * {@code Verdict-Tx} propagation interceptor) on one pooled, keep-alive HTTP client.
     */
    public static List<ShardClient> connect(List<URI> urls, RestClient.Builder builder) {
        // a branch call may wait for row locks (lock_timeout)
        ClientHttpRequestFactory requests = InternalHttpClients.requestFactory(Duration.ofSeconds(2), Duration.ofSeconds(15));
        List<ShardClient> all = new ArrayList<>();
        for (int shard = 0; shard < urls.size(); shard++) {
            all.add(new ShardClient(shard, builder.clone().baseUrl(urls.get(shard).toString()).requestFactory(requests).build()));
        }
        return List.copyOf(all);
    }

    public Sharding sharding() {
        return sharding;
    }

    public ShardClient forAccount(long accountId) {
        return clients.get(sharding.shardOf(accountId));
    }

    public List<ShardClient> all() {
        return clients;
    }
}
