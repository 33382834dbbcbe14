package dev.verdict.bank.gateway.transfer;

import dev.verdict.bank.Sharding;
import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A validated transfer. Its {@code transferId} names its ledger rows; with an Idempotency-Key it is derived from
 * the key, so a retry writes the same rows (and is recognized) instead of moving the money twice.
 */
public record Transfer(long from, long to, long amount, UUID transferId) {

    /** The largest amount a transfer may move: 10^15 minor units, far below any bigint overflow. */
    public static final long MAX_AMOUNT = 1_000_000_000_000_000L;
    private static final int MAX_KEY_LENGTH = 255;

    /** One account's side of the transfer: {@code delta < 0} is the debit, {@code delta > 0} the credit. */
    public record Leg(long accountId, long delta) {
        public boolean debit() {
            return delta < 0;
        }
    }

    public static Transfer validate(TransferRequest request, String idempotencyKey, Sharding sharding) {
        if (request == null || request.from() == null || request.to() == null || request.amount() == null) {
            throw new BankException(BankError.VALIDATION_FAILED, "from, to and amount are required");
        }
        long amount = request.amount();
        if (amount <= 0 || amount > MAX_AMOUNT) {
            throw new BankException(BankError.INVALID_AMOUNT,
                    "amount must be a whole number of minor units in 1.." + MAX_AMOUNT + ", not " + amount);
        }
        if (request.from().equals(request.to())) {
            throw new BankException(BankError.SAME_ACCOUNT, "from and to are both account " + request.from());
        }
        for (long id : new long[] {request.from(), request.to()}) {
            if (!sharding.exists(id)) {
                throw new BankException(BankError.ACCOUNT_NOT_FOUND,
                        "no account " + id + " (accounts are 1.." + sharding.accounts() + ")", Map.of("accountId", id));
            }
        }
        return new Transfer(request.from(), request.to(), amount, transferId(idempotencyKey));
    }

    /** The transfer id of a request: derived from its Idempotency-Key, or random without one. */
    public static UUID transferId(String idempotencyKey) {
        if (idempotencyKey == null) {
            return UUID.randomUUID();
        }
        if (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_KEY_LENGTH
                || !idempotencyKey.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new BankException(BankError.VALIDATION_FAILED,
                    "Idempotency-Key must be 1.." + MAX_KEY_LENGTH + " visible ASCII characters");
        }
        return UUID.nameUUIDFromBytes(("verdict-bank-transfer:" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
    }

    /** Both legs in account-id order: every transfer locks rows in the same global order, so none deadlock. */
    public List<Leg> legsInAccountOrder() {
        return List.of(new Leg(from, -amount), new Leg(to, amount)).stream()
                .sorted(Comparator.comparingLong(Leg::accountId))
                .toList();
    }
}
