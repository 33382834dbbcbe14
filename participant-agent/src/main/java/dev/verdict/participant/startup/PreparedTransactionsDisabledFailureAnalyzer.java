package dev.verdict.participant.startup;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a database without prepared transactions into a startup failure that says how to fix it. */
public class PreparedTransactionsDisabledFailureAnalyzer extends AbstractFailureAnalyzer<PreparedTransactionsDisabledException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PreparedTransactionsDisabledException cause) {
        return new FailureAnalysis(
                "The Verdict participant needs PostgreSQL prepared transactions (PREPARE TRANSACTION), but "
                        + cause.database() + " reports max_prepared_transactions = 0.",
                "Set max_prepared_transactions in postgresql.conf (or with -c) to at least max_connections "
                        + "(e.g. max_prepared_transactions = 100) and restart PostgreSQL; or set "
                        + "verdict.participant.enabled=false if this service should not be a participant.",
                cause);
    }
}
