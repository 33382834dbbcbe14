package dev.verdict.participant.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.verdict.participant.startup.PreparedTransactionsDisabledException;
import dev.verdict.participant.support.BankTestApp;
import dev.verdict.participant.support.TestApps;
import dev.verdict.participant.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A database that cannot prepare transactions stops the start, with a message that says how to fix it. */
@ExtendWith(OutputCaptureExtension.class)
class StartupCheckTest {

    @Test
    void startFailsClearlyWhenMaxPreparedTransactionsIsZero(CapturedOutput output) {
        try (TestPostgres pg = TestPostgres.start(0)) {
            Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(BankTestApp.class)
                    .properties(
                            "server.port=0",
                            "spring.main.banner-mode=off",
                            TestApps.OWN_CONFIG,
                            "spring.datasource.url=" + pg.jdbcUrl(),
                            "spring.datasource.username=postgres",
                            "verdict.participant.participant-id=shard-a",
                            "verdict.participant.coordinator-urls=http://localhost:1")
                    .run().close());

            assertThat(failure).hasRootCauseInstanceOf(PreparedTransactionsDisabledException.class);
            // the failure analyzer's report
            assertThat(output).contains("APPLICATION FAILED TO START")
                    .contains("max_prepared_transactions = 0")
                    .contains("Set max_prepared_transactions");
        }
    }
}
