package dev.verdict.participant.branch;

import java.sql.Connection;
import java.time.Instant;

/** Where an in-memory branch stands. Prepared branches leave memory: PostgreSQL holds them (pg_prepared_xacts). */
sealed interface BranchPhase {

    /** Enlisting with the coordinator and taking a connection; the opener holds the branch lock. */
    record Opening() implements BranchPhase {
    }

    /** A local PostgreSQL transaction on a pinned connection, open between calls until prepare, abort or deadline. */
    record Active(Connection connection, Instant deadline) implements BranchPhase {
    }

    /** The work threw: rolled back at once (its locks released), it will vote NO. Kept until prepare, abort or deadline. */
    record Failed(String reason, Instant deadline) implements BranchPhase {
    }

    /** Prepared, rolled back, or never opened: the branch object is stale and must not be used. */
    record Ended() implements BranchPhase {
    }
}
