package dev.verdict.bank.gateway.transfer;

import dev.verdict.bank.shard.api.LedgerRow;
import dev.verdict.protocol.Headers;
import java.util.List;
import java.util.UUID;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/transfers}: move money between two accounts, atomically across shards. */
@RestController
@Profile("gateway")
class TransferController {

    private final TransferService transfers;

    TransferController(TransferService transfers) {
        this.transfers = transfers;
    }

    @PostMapping("/api/transfers")
    TransferResult transfer(@RequestBody TransferRequest request,
            @RequestHeader(name = Headers.IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        return transfers.transfer(request, idempotencyKey);
    }

    /** The transfer's committed ledger rows on every shard (two for a committed transfer, none otherwise). */
    @GetMapping("/api/transfers/{transferId}/ledger")
    List<LedgerRow> ledger(@PathVariable UUID transferId) {
        return transfers.ledger(transferId);
    }
}
