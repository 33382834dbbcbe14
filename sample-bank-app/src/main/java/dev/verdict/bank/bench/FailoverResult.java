package dev.verdict.bank.bench;

import java.time.Duration;

/**
 * One leader kill under a steady rate of transfers.
 *
 * @param killedNode the coordinator node that was leader and was killed
 * @param newLeader the node that led afterwards
 * @param election from the kill until a surviving node reported a new leader
 * @param firstCommit from the kill until the first transfer begun after the kill was answered COMMITTED
 * @param inDoubtBranches branches prepared at the kill (prepared before it, still prepared at it)
 * @param lastInDoubtResolved from the kill until the last of those left pg_prepared_xacts (null when there were none)
 * @param laterBranches branches of transactions begun before the kill that were prepared only after it
 * @param lastLaterResolved from the kill until the last of those left pg_prepared_xacts (null when there were none)
 * @param committed transfers committed during the failover run
 * @param errors transfers that ended in an error during the run
 * @param killedAt when the kill was sent (wall clock, to line up with the processes' logs)
 */
record FailoverResult(String killedNode, String newLeader, Duration election, Duration firstCommit,
        int inDoubtBranches, Duration lastInDoubtResolved, int laterBranches, Duration lastLaterResolved,
        long committed, long errors, java.time.Instant killedAt) {

    /** In-doubt resolution counted from the election (the target's reference point). */
    Duration resolvedAfterElection() {
        if (lastInDoubtResolved == null || election == null) {
            return null;
        }
        Duration d = lastInDoubtResolved.minus(election);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
