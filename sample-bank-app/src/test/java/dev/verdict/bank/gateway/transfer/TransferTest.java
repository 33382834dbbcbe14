package dev.verdict.bank.gateway.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.bank.Sharding;
import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import org.junit.jupiter.api.Test;

class TransferTest {

    private final Sharding sharding = new Sharding(2, 100);

    @Test
    void legsAreInAccountIdOrderWhateverTheDirection() {
        Transfer down = Transfer.validate(new TransferRequest(9L, 4L, 30L), null, sharding);
        assertThat(down.legsInAccountOrder()).containsExactly(new Transfer.Leg(4, 30), new Transfer.Leg(9, -30));
        Transfer up = Transfer.validate(new TransferRequest(4L, 9L, 30L), null, sharding);
        assertThat(up.legsInAccountOrder()).containsExactly(new Transfer.Leg(4, -30), new Transfer.Leg(9, 30));
    }

    @Test
    void anIdempotencyKeyAlwaysNamesTheSameTransfer() {
        Transfer first = Transfer.validate(new TransferRequest(1L, 2L, 5L), "order-17", sharding);
        Transfer retry = Transfer.validate(new TransferRequest(1L, 2L, 5L), "order-17", sharding);
        Transfer other = Transfer.validate(new TransferRequest(1L, 2L, 5L), "order-18", sharding);
        Transfer keyless = Transfer.validate(new TransferRequest(1L, 2L, 5L), null, sharding);
        assertThat(retry.transferId()).isEqualTo(first.transferId());
        assertThat(other.transferId()).isNotEqualTo(first.transferId());
        assertThat(keyless.transferId()).isNotEqualTo(first.transferId());
    }

    @Test
    void invalidTransfersHaveStableCodes() {
        assertCode(new TransferRequest(1L, 2L, 0L), null, BankError.INVALID_AMOUNT);
        assertCode(new TransferRequest(1L, 2L, -5L), null, BankError.INVALID_AMOUNT);
        assertCode(new TransferRequest(1L, 2L, Transfer.MAX_AMOUNT + 1), null, BankError.INVALID_AMOUNT);
        assertCode(new TransferRequest(3L, 3L, 5L), null, BankError.SAME_ACCOUNT);
        assertCode(new TransferRequest(1L, 101L, 5L), null, BankError.ACCOUNT_NOT_FOUND);
        assertCode(new TransferRequest(0L, 1L, 5L), null, BankError.ACCOUNT_NOT_FOUND);
        assertCode(new TransferRequest(null, 1L, 5L), null, BankError.VALIDATION_FAILED);
        assertCode(new TransferRequest(1L, 2L, null), null, BankError.VALIDATION_FAILED);
        assertCode(new TransferRequest(1L, 2L, 5L), "", BankError.VALIDATION_FAILED);
        assertCode(new TransferRequest(1L, 2L, 5L), "has space", BankError.VALIDATION_FAILED);
        assertCode(new TransferRequest(1L, 2L, 5L), "x".repeat(256), BankError.VALIDATION_FAILED);
    }

    private void assertCode(TransferRequest request, String key, BankError expected) {
        assertThatThrownBy(() -> Transfer.validate(request, key, sharding))
                .isInstanceOfSatisfying(BankException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }
}
