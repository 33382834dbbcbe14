package dev.verdict.bank.gateway.account;

import dev.verdict.bank.Sharding;
import dev.verdict.bank.gateway.ShardClient;
import dev.verdict.bank.gateway.ShardClients;
import dev.verdict.bank.gateway.ShardFailure;
import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import dev.verdict.bank.shard.api.AccountBalance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Service;

/** Balance reads, routed by the sharding rule. */
@Service
@Profile("gateway")
public class AccountService {

    public static final int MAX_LIMIT = 1000;

    private final ShardClients shards;

    public AccountService(ShardClients shards) {
        this.shards = shards;
    }

    public AccountBalance account(long id) {
        Sharding sharding = shards.sharding();
        if (!sharding.exists(id)) {
            throw new BankException(BankError.ACCOUNT_NOT_FOUND,
                    "no account " + id + " (accounts are 1.." + sharding.accounts() + ")", Map.of("accountId", id));
        }
        try {
            return shards.forAccount(id).account(id);
        } catch (ShardFailure f) {
            throw asProblem(f);
        }
    }

    /** Accounts {@code offset+1 .. offset+limit} (ids are dense: 1..accounts). */
    public AccountPage page(long offset, int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new BankException(BankError.VALIDATION_FAILED,
                    "offset must be >= 0 and limit in 1.." + MAX_LIMIT + " (offset=" + offset + ", limit=" + limit + ")");
        }
        Sharding sharding = shards.sharding();
        long fromId = offset + 1;
        long toId = Math.min(sharding.accounts(), offset + limit);
        List<AccountBalance> accounts = new ArrayList<>();
        List<Integer> unavailable = new ArrayList<>();
        if (fromId <= toId) {
            for (ShardClient shard : shards.all()) {
                try {
                    accounts.addAll(shard.range(fromId, toId));
                } catch (ShardFailure f) {
                    unavailable.add(shard.shard());
                }
            }
        }
        accounts.sort(Comparator.comparingLong(AccountBalance::id));
        return new AccountPage(accounts, offset, limit, sharding.accounts(), unavailable);
    }

    private static BankException asProblem(ShardFailure f) {
        BankError error = f.bankError().filter(e -> e == BankError.ACCOUNT_NOT_FOUND).orElse(BankError.SHARD_UNAVAILABLE);
        return new BankException(error, f.getMessage(), Map.of("shard", f.shard()), f);
    }
}
