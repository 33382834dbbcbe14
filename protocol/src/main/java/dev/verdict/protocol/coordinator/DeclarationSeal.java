package dev.verdict.protocol.coordinator;

import dev.verdict.protocol.SharedKeyMac;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's seal on the participants a transaction declared at begin: what lets a declared participant
 * open its branch without asking the coordinator to enlist it.
 *
 * <p>The begin's answer carries it ({@link TransactionBegun#declaration()}); the client forwards it unchanged in
 * the {@code Verdict-Tx-Declared} header next to {@code Verdict-Tx}. A participant holding the same key checks
 * that the seal names this transaction, this participant at this endpoint, and a deadline not yet passed: then it
 * knows what an enlist would have told it, because the coordinator seals only what the Begin entry it applied
 * enlisted. The client cannot add a participant: it does not have the key. A seal that does not check out (no key,
 * another key, another participant, tampered, expired) is never an error; the participant just enlists as usual.
 *
 * <p>What the participant does not learn is whether the transaction is still ACTIVE. It needs not: that is the
 * same as an enlist answered from a coordinator replica that is behind, which is safe because a branch opened
 * after the PREPARE round is never prepared by it (the agent votes NO, or ends the branch at the deadline).
 *
 * <p>A client holding an {@link IdLease} seals the declarations of its own transactions, with the lease's key,
 * which is derived from the declaration key and the lease's ids and life ({@link #lease}): such a seal names the
 * lease, and checks out only for an id of it and a deadline within its life. So the client can seal what a begin
 * could have answered it (its ids, its participants, its deadline) and nothing else.
 *
 * <p>Format: {@code v1.<txId>.<deadline epoch ms>.<tag>[.<tag>...]}, one tag per declared participant: the first
 * 16 bytes of HMAC-SHA256 over the txId, the deadline, the participant id and its endpoint, base64url. Sealed under
 * a lease: {@code v2.<first id>.<last id>.<live until epoch ms>.<txId>.<deadline epoch ms>.<tag>[.<tag>...]}, the
 * tags under the lease's key.
 */
public final class DeclarationSeal {

    /** Shortest key accepted, in characters: a random key this long is as strong as HMAC-SHA256 gets. */
    public static final int MIN_KEY_LENGTH = SharedKeyMac.MIN_KEY_LENGTH;
    /** Beyond this many declared participants no seal is made (the header would grow past what servers accept). */
    public static final int MAX_PARTICIPANTS = 64;
    private static final String VERSION = "v1";
    private static final String LEASED = "v2";
    /** The fields before the tags: of a coordinator's seal, and of one under a lease. */
    private static final int FIELDS = 3;
    private static final int LEASED_FIELDS = 6;
    private static final byte[] DOMAIN = "verdict-declared-participant".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LEASE_DOMAIN = "verdict-id-lease".getBytes(StandardCharsets.UTF_8);

    private final SharedKeyMac mac;

    public DeclarationSeal(String key) {
        this.mac = new SharedKeyMac(key);
    }

    /** A seal with this key, or empty when no key is configured (null or blank): then nothing is sealed. */
    public static Optional<DeclarationSeal> withKey(String key) {
        return key == null || key.isBlank() ? Optional.empty() : Optional.of(new DeclarationSeal(key));
    }

    /** The seal of these declared participants, or empty when there are none or too many to seal. */
    public Optional<String> seal(long txId, Instant deadline, List<ParticipantAddress> participants) {
        if (participants.isEmpty() || participants.size() > MAX_PARTICIPANTS) {
            return Optional.empty();
        }
        long deadlineMillis = deadline.toEpochMilli();
        StringBuilder seal = new StringBuilder(VERSION).append('.').append(txId).append('.').append(deadlineMillis);
        appendTags(seal, mac, txId, deadlineMillis, participants);
        return Optional.of(seal.toString());
    }

    /** The lease of the ids {@code first..last}, to be sealed under until {@code liveUntil}, with its key. */
    public IdLease lease(long first, long last, Instant liveUntil) {
        if (first > last) {
            throw new IllegalArgumentException("a lease needs first <= last, was " + first + ".." + last);
        }
        return new IdLease(first, last, liveUntil, leaseKey(first, last, liveUntil.toEpochMilli()));
    }

    /**
     * The seal a lease's holder makes for one of its transactions, or empty when there are no participants or too
     * many to seal.
     *
     * @throws IllegalArgumentException if the id is not the lease's or the deadline is not within its life: no
     *         participant or coordinator would take such a seal
     */
    public static Optional<String> sealLeased(IdLease lease, long txId, Instant deadline,
            List<ParticipantAddress> participants) {
        long deadlineMillis = deadline.toEpochMilli();
        long liveUntilMillis = lease.liveUntil().toEpochMilli();
        if (txId < lease.firstTxId() || txId > lease.lastTxId() || deadlineMillis > liveUntilMillis) {
            throw new IllegalArgumentException("transaction " + txId + " with deadline " + deadline
                    + " is not within the lease of " + lease.firstTxId() + ".." + lease.lastTxId() + " until "
                    + lease.liveUntil());
        }
        if (participants.isEmpty() || participants.size() > MAX_PARTICIPANTS) {
            return Optional.empty();
        }
        StringBuilder seal = new StringBuilder(LEASED).append('.').append(lease.firstTxId()).append('.')
                .append(lease.lastTxId()).append('.').append(liveUntilMillis).append('.').append(txId).append('.')
                .append(deadlineMillis);
        appendTags(seal, new SharedKeyMac(lease.key()), txId, deadlineMillis, participants);
        return Optional.of(seal.toString());
    }

    /**
     * The sealed deadline, if {@code seal} was made with this key (or under a lease derived from it) for
     * transaction {@code txId}, names {@code participant} at exactly its endpoint, and its deadline is after
     * {@code now}; otherwise empty.
     */
    public Optional<Instant> verify(String seal, long txId, ParticipantAddress participant, Instant now) {
        Opened opened = open(seal);
        if (opened == null || opened.txId() != txId || opened.deadlineMillis() <= now.toEpochMilli()) {
            return Optional.empty();
        }
        String expected = tag(opened.mac(), txId, opened.deadlineMillis(), participant);
        boolean found = false;
        for (String tag : opened.tags()) {
            // every tag compared in constant time, and all of them: how far the search got tells nothing
            found |= SharedKeyMac.sameTag(expected, tag);
        }
        return found ? Optional.of(Instant.ofEpochMilli(opened.deadlineMillis())) : Optional.empty();
    }

    /**
     * The sealed deadline, if {@code seal} was made with this key (or under a lease derived from it) for
     * transaction {@code txId} and seals exactly {@code participants}, in that order, each at its endpoint: the
     * whole declaration, as a deferred begin's commit or abort carries it (the coordinator then logs the Begin it
     * never wrote). Expiry is not checked here: past the deadline a commit is refused by the table, and an abort
     * is always allowed.
     */
    public Optional<Instant> verifyDeclared(String seal, long txId, List<ParticipantAddress> participants) {
        Opened opened = open(seal);
        if (opened == null || opened.txId() != txId || opened.tags().size() != participants.size()) {
            return Optional.empty();
        }
        boolean all = true;
        for (int i = 0; i < participants.size(); i++) {
            all &= SharedKeyMac.sameTag(tag(opened.mac(), txId, opened.deadlineMillis(), participants.get(i)),
                    opened.tags().get(i));
        }
        return all ? Optional.of(Instant.ofEpochMilli(opened.deadlineMillis())) : Optional.empty();
    }

    /** A well-formed seal taken apart: its transaction, its deadline, its tags and the key they are under. */
    private record Opened(long txId, long deadlineMillis, List<String> tags, SharedKeyMac mac) {
    }

    /**
     * Null when the seal is malformed, or is under a lease that does not cover its own id and deadline (whether
     * the lease is genuine shows in the tags: its key is derived from this key and the lease's fields).
     */
    private Opened open(String seal) {
        if (seal == null) {
            return null;
        }
        String[] parts = seal.split("\\.", LEASED_FIELDS + MAX_PARTICIPANTS + 1);
        int fields = switch (parts[0]) {
            case VERSION -> FIELDS;
            case LEASED -> LEASED_FIELDS;
            default -> -1;
        };
        if (fields < 0 || parts.length <= fields || parts.length > fields + MAX_PARTICIPANTS) {
            return null;
        }
        List<String> tags = List.of(parts).subList(fields, parts.length);
        try {
            if (fields == FIELDS) {
                return new Opened(Long.parseLong(parts[1]), Long.parseLong(parts[2]), tags, mac);
            }
            long first = Long.parseLong(parts[1]);
            long last = Long.parseLong(parts[2]);
            long liveUntilMillis = Long.parseLong(parts[3]);
            long txId = Long.parseLong(parts[4]);
            long deadlineMillis = Long.parseLong(parts[5]);
            if (txId < first || txId > last || deadlineMillis > liveUntilMillis) {
                return null;
            }
            return new Opened(txId, deadlineMillis, tags, new SharedKeyMac(leaseKey(first, last, liveUntilMillis)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String leaseKey(long first, long last, long liveUntilMillis) {
        return mac.derivedKey(LEASE_DOMAIN, first, last, Long.toString(liveUntilMillis));
    }

    private static void appendTags(StringBuilder seal, SharedKeyMac mac, long txId, long deadlineMillis,
            List<ParticipantAddress> participants) {
        for (ParticipantAddress participant : participants) {
            seal.append('.').append(tag(mac, txId, deadlineMillis, participant));
        }
    }

    private static String tag(SharedKeyMac mac, long txId, long deadlineMillis, ParticipantAddress participant) {
        return mac.tag(DOMAIN, txId, deadlineMillis, participant.participantId(), participant.endpoint());
    }
}
