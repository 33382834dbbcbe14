package dev.verdict.bank.gateway.audit;

import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/audit}: total, expected total, accounts, negatives, consistent — one consistent cut. */
@RestController
@Profile("gateway")
class AuditController {

    private final AuditService audits;

    AuditController(AuditService audits) {
        this.audits = audits;
    }

    @GetMapping("/api/audit")
    AuditReport audit() {
        return audits.audit();
    }
}
