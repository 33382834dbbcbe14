package dev.verdict.participant.startup;

/** The participant's database cannot run PREPARE TRANSACTION: max_prepared_transactions is 0. */
public class PreparedTransactionsDisabledException extends RuntimeException {

    private final String database;

    public PreparedTransactionsDisabledException(String database) {
        super("PostgreSQL database " + database + " has max_prepared_transactions = 0: it cannot take part in two-phase commit");
        this.database = database;
    }

    public String database() {
        return database;
    }
}
