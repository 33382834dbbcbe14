package dev.verdict.coordinator.log;

/**
 * The command was not sent: too many commands wait at this node, or it waited too long for its turn (the leader
 * cannot take entries, or not fast enough). Unlike its parent's other failures the outcome is known: nothing was
 * applied.
 */
public class LogOverloadedException extends NoQuorumException {
    public LogOverloadedException(String message) {
        super(message, null);
    }
}
