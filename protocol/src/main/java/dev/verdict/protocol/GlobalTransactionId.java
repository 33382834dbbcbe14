package dev.verdict.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The PostgreSQL GID of one participant's branch: {@code verdict:<clusterId>:<txId>:<participantId>}.
 * Naming the participant lets several participants share one PostgreSQL server, each recovering only its own.
 */
public record GlobalTransactionId(String clusterId, long txId, String participantId) {

    public static final String PREFIX = "verdict:";
    /** Ids that can stand inside a GID and a URL path without quoting. */
    public static final String ID_PATTERN = "[A-Za-z0-9._-]{1,64}";
    private static final Pattern ID = Pattern.compile(ID_PATTERN);

    public GlobalTransactionId {
        requireId(clusterId, "clusterId");
        requireId(participantId, "participantId");
        if (txId <= 0) {
            throw new IllegalArgumentException("txId must be positive: " + txId);
        }
    }

    public static Optional<GlobalTransactionId> parse(String gid) {
        if (gid == null || !gid.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = gid.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new GlobalTransactionId(parts[0], Long.parseLong(parts[1]), parts[2]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The prefix of every GID this participant owns, for {@code pg_prepared_xacts} scans. */
    public static String prefixOf(String clusterId) {
        requireId(clusterId, "clusterId");
        return PREFIX + clusterId + ":";
    }

    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    private static void requireId(String id, String name) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException(name + " must match " + ID_PATTERN + ": " + id);
        }
    }

    @Override
    public String toString() {
        return PREFIX + clusterId + ":" + txId + ":" + participantId;
    }
}
