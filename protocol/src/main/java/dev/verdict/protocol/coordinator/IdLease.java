package dev.verdict.protocol.coordinator;

import java.time.Instant;

/**
 * Answer to {@code POST /v1/id-leases}: a block of transaction ids the coordinators reserved through their log
 * for one client, which begins deferred transactions with them on its own, without asking a coordinator each time.
 * The client seals each transaction's declared participants with {@code key} ({@link DeclarationSeal#sealLeased});
 * the participants and the coordinators check such a seal with their declaration key, from which the lease's key is
 * derived, so a lease lets its holder seal the ids of its block and nothing else.
 *
 * @param firstTxId the first id of the block
 * @param lastTxId  the last id of the block
 * @param liveUntil the coordinators keep the block's unlogged ids tellable until then: every deadline sealed under
 *                  the lease must come before it (the client leaves a margin for clocks that disagree)
 * @param key       the lease's own sealing key (base64url), derived from the declaration key and the three fields
 *                  above; a secret of the client that holds the lease
 */
public record IdLease(long firstTxId, long lastTxId, Instant liveUntil, String key) {
}
