package dev.verdict.participant.branch;

import dev.verdict.protocol.GlobalTransactionId;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One global transaction's branch on this participant. Its lock serializes everything done to it: the app's
 * calls (several calls for one txId run one after the other on the one connection), prepare, abort and the
 * reaper. The phase is only read or changed under the lock.
 */
final class Branch {

    private final GlobalTransactionId gid;
    private final Instant since;
    private final ReentrantLock lock = new ReentrantLock();
    // volatile: phase-2 calls peek at it without the lock to refuse a commit of a never prepared branch
    private volatile BranchPhase phase = new BranchPhase.Opening();
    /** Set by an exception resolver while the work runs; the runner fails the branch when the work returns. */
    private String failure;

    Branch(GlobalTransactionId gid, Instant since) {
        this.gid = gid;
        this.since = since;
    }

    long txId() {
        return gid.txId();
    }

    GlobalTransactionId gid() {
        return gid;
    }

    Instant since() {
        return since;
    }

    BranchPhase phase() {
        return phase;
    }

    void phase(BranchPhase phase) {
        this.phase = phase;
    }

    String failure() {
        return failure;
    }

    void failure(String failure) {
        if (this.failure == null) {
            this.failure = failure;
        }
    }

    /** The deadline while open, else null. */
    Instant deadline() {
        return switch (phase) {
            case BranchPhase.Active active -> active.deadline();
            case BranchPhase.Failed failed -> failed.deadline();
            case BranchPhase.Opening opening -> null;
            case BranchPhase.Ended ended -> null;
        };
    }

    void lock() {
        lock.lock();
    }

    boolean tryLock(Duration wait) throws InterruptedException {
        return lock.tryLock(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Like {@link #tryLock(Duration)}; an interrupt counts as "not locked" and is kept for the caller. */
    boolean lockWithin(Duration wait) {
        try {
            return tryLock(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean tryLock() {
        return lock.tryLock();
    }

    void unlock() {
        lock.unlock();
    }

    boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }
}
