package dev.verdict.bank.gateway.transfer;

/** Body of {@code POST /api/transfers}: move {@code amount} minor units from account {@code from} to {@code to}. */
public record TransferRequest(Long from, Long to, Long amount) {
}
