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
 * <p>Format: {@code v1.<txId>.<deadline epoch ms>.<tag>[.<tag>...]}, one tag per declared participant: the first
 * 16 bytes of HMAC-SHA256 over the txId, the deadline, the participant id and its endpoint, base64url.
 */
public final class DeclarationSeal {

    /** Shortest key accepted, in characters: a random key this long is as strong as HMAC-SHA256 gets. */
    public static final int MIN_KEY_LENGTH = SharedKeyMac.MIN_KEY_LENGTH;
    /** Beyond this many declared participants no seal is made (the header would grow past what servers accept). */
    public static final int MAX_PARTICIPANTS = 64;
    private static final String VERSION = "v1";
    private static final byte[] DOMAIN = "verdict-declared-participant".getBytes(StandardCharsets.UTF_8);

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
        for (ParticipantAddress participant : participants) {
            seal.append('.').append(tag(txId, deadlineMillis, participant));
        }
        return Optional.of(seal.toString());
    }

    /**
     * The sealed deadline, if {@code seal} was made with this key for transaction {@code txId}, names
     * {@code participant} at exactly its endpoint, and its deadline is after {@code now}; otherwise empty.
     */
    public Optional<Instant> verify(String seal, long txId, ParticipantAddress participant, Instant now) {
        if (seal == null) {
            return Optional.empty();
        }
        String[] parts = seal.split("\\.", MAX_PARTICIPANTS + 4);
        if (parts.length < 4 || parts.length > MAX_PARTICIPANTS + 3 || !parts[0].equals(VERSION)) {
            return Optional.empty();
        }
        long sealedTxId;
        long deadlineMillis;
        try {
            sealedTxId = Long.parseLong(parts[1]);
            deadlineMillis = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (sealedTxId != txId || deadlineMillis <= now.toEpochMilli()) {
            return Optional.empty();
        }
        String expected = tag(txId, deadlineMillis, participant);
        boolean found = false;
        for (int i = 3; i < parts.length; i++) {
            // every tag compared in constant time, and all of them: how far the search got tells nothing
            found |= SharedKeyMac.sameTag(expected, parts[i]);
        }
        return found ? Optional.of(Instant.ofEpochMilli(deadlineMillis)) : Optional.empty();
    }

    /**
     * The sealed deadline, if {@code seal} was made with this key for transaction {@code txId} and seals exactly
     * {@code participants}, in that order, each at its endpoint: the whole declaration, as a deferred begin's
     * commit or abort carries it (the coordinator then logs the Begin it never wrote). Expiry is not checked
     * here: past the deadline a commit is refused by the table, and an abort is always allowed.
     */
    public Optional<Instant> verifyDeclared(String seal, long txId, List<ParticipantAddress> participants) {
        if (seal == null || participants.isEmpty() || participants.size() > MAX_PARTICIPANTS) {
            return Optional.empty();
        }
        String[] parts = seal.split("\\.", MAX_PARTICIPANTS + 4);
        if (parts.length != participants.size() + 3 || !parts[0].equals(VERSION)) {
            return Optional.empty();
        }
        long deadlineMillis;
        try {
            if (Long.parseLong(parts[1]) != txId) {
                return Optional.empty();
            }
            deadlineMillis = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        boolean all = true;
        for (int i = 0; i < participants.size(); i++) {
            all &= SharedKeyMac.sameTag(tag(txId, deadlineMillis, participants.get(i)), parts[i + 3]);
        }
        return all ? Optional.of(Instant.ofEpochMilli(deadlineMillis)) : Optional.empty();
    }

    private String tag(long txId, long deadlineMillis, ParticipantAddress participant) {
        return mac.tag(DOMAIN, txId, deadlineMillis, participant.participantId(), participant.endpoint());
    }
}
