package dev.verdict.bank.loadgen;

/**
 * Carries out one transfer and says what became of it. Called concurrently by many clients. An exception is an
 * error of the kind {@link Outcome#error(Throwable)} names; it is counted, never fatal to the run.
 */
@FunctionalInterface
public interface TransferExecutor {

    Outcome execute(Transfer transfer) throws Exception;
}
