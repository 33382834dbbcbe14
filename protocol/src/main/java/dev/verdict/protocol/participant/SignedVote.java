package dev.verdict.protocol.participant;

import dev.verdict.protocol.SharedKeyMac;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A participant's vote, signed with the declaration key, that the client carries from the participant to the
 * commit: what lets the leader decide without sending that participant a PREPARE.
 *
 * <p>A client marks the last call its work makes to a participant with {@code Verdict-Prepare}; when that call's
 * work succeeded, the participant prepares its branch right away (the same vote PREPARE would get) and answers
 * the signed vote in {@code Verdict-Vote}. The client passes the votes with its commit, and the leader counts a
 * vote whose signature checks for this transaction and this participant at the endpoint it is enlisted at exactly
 * as the answer to a PREPARE. The client cannot make or change a vote, as it does not have the key; a vote that
 * does not check out (no key, another key, another transaction, participant or endpoint, tampered) is ignored and
 * that participant is sent PREPARE as usual.
 *
 * <p>Format: {@code v1.<txId>.<vote>.<tag>.<participantId>}, where the tag is the first 16 bytes of HMAC-SHA256
 * over the txId, the vote, the participant id and its endpoint, base64url; the participant id comes last, as it
 * may contain dots.
 */
public final class SignedVote {

    /** Longest vote token a commit accepts: the id (64) and the rest with room to spare. */
    public static final int MAX_LENGTH = 160;
    private static final String VERSION = "v1";
    private static final byte[] DOMAIN = "verdict-carried-vote".getBytes(StandardCharsets.UTF_8);

    private final SharedKeyMac mac;

    public SignedVote(String key) {
        this.mac = new SharedKeyMac(key);
    }

    /** Signatures with this key, or empty when no key is configured (null or blank): then no vote is signed. */
    public static Optional<SignedVote> withKey(String key) {
        return key == null || key.isBlank() ? Optional.empty() : Optional.of(new SignedVote(key));
    }

    /** The token of {@code participant}'s {@code vote} on transaction {@code txId}. */
    public String sign(long txId, Vote vote, ParticipantAddress participant) {
        return VERSION + '.' + txId + '.' + vote.name() + '.' + tag(txId, vote, participant) + '.'
                + participant.participantId();
    }

    /** The participant id a token names (not verified): which of a transaction's participants to check it for. */
    public static Optional<String> participantOf(String token) {
        String[] parts = parts(token);
        return parts == null ? Optional.empty() : Optional.of(parts[4]);
    }

    /**
     * The vote, if {@code token} was signed with this key by {@code participant}, at exactly its endpoint, for
     * transaction {@code txId}; otherwise empty.
     */
    public Optional<Vote> verify(String token, long txId, ParticipantAddress participant) {
        String[] parts = parts(token);
        if (parts == null || !parts[4].equals(participant.participantId())) {
            return Optional.empty();
        }
        Vote vote;
        long signedTxId;
        try {
            signedTxId = Long.parseLong(parts[1]);
            vote = Vote.valueOf(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (signedTxId != txId) {
            return Optional.empty();
        }
        return SharedKeyMac.sameTag(tag(txId, vote, participant), parts[3]) ? Optional.of(vote) : Optional.empty();
    }

    private String tag(long txId, Vote vote, ParticipantAddress participant) {
        return mac.tag(DOMAIN, txId, vote.ordinal(), vote.name(), participant.participantId(), participant.endpoint());
    }

    private static String[] parts(String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return null;
        }
        String[] parts = token.split("\\.", 5);
        return parts.length == 5 && parts[0].equals(VERSION) && !parts[4].isEmpty() ? parts : null;
    }
}
