package dev.verdict.bank.gateway.transfer;

import dev.verdict.protocol.TxState;
import java.util.UUID;

/**
 * The decided outcome of a transfer: {@code state} is COMMITTED or ABORTED (with the {@code reason}), the
 * coordinator's logged decision for global transaction {@code txId}.
 */
public record TransferResult(UUID transferId, long txId, TxState state, String reason) {
}
