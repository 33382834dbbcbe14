package dev.verdict.participant.client;

/** The work of {@link GlobalTransactions#execute}: calls to participants, made while the transaction is current. */
@FunctionalInterface
public interface TransactionWork {
    void run(GlobalTransaction tx) throws Exception;
}
