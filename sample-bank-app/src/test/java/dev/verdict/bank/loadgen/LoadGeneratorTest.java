package dev.verdict.bank.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load generator end to end against a stand-in gateway: what it counts is what the gateway answered. */
class LoadGeneratorTest {

    @Test
    void countsWhatTheGatewayAnsweredAndPrintsTheAudit() throws Exception {
        try (FakeGateway gateway = new FakeGateway(20, 10_000, 25)) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            LoadGenOptions options = LoadGenOptions.parse("--gateway=" + gateway.url(), "--clients=4",
                    "--transfers=100", "--duration=2m", "--overdraw=0.3", "--seed=11");

            LoadGenerator.Report report = LoadGenerator.run(options, new PrintStream(buffer, true, StandardCharsets.UTF_8));

            // a counted run: exactly the 100 transfers the gateway answered, every 25th with a 503
            LoadResult result = report.result();
            assertThat(report.accounts()).hasSize(20);
            assertThat(result.total()).isEqualTo(100);
            assertThat(result.committed()).isEqualTo(gateway.committed.get());
            assertThat(result.count(Outcome.Kind.INSUFFICIENT_FUNDS)).isEqualTo(gateway.insufficient.get()).isPositive();
            assertThat(result.counts()).containsEntry("error:http-503:NO_QUORUM", 4L);
            assertThat(result.counts().keySet()).containsOnly("COMMITTED", "INSUFFICIENT_FUNDS", "error:http-503:NO_QUORUM");
            assertThat(report.auditAfter().holds()).isTrue();
            assertThat(report.auditAfter().total()).isEqualTo(200_000);

            String printed = buffer.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("4 clients", "COMMITTED", "INSUFFICIENT_FUNDS", "http-503:NO_QUORUM",
                    "p50", "p99", "audit: total 200000, expected 200000, accounts 20, negative 0, consistent true -> OK");
        }
    }

    @Test
    void theGatewayAnswersAreReadAsTheContractSays() {
        assertThat(GatewayClient.parseTransferResponse(200, "{\"transferId\":\"a\",\"txId\":7,\"state\":\"COMMITTED\",\"reason\":null}"))
                .isEqualTo(Outcome.committed(7));
        assertThat(GatewayClient.parseTransferResponse(200, "{\"txId\":8,\"state\":\"ABORTED\",\"reason\":\"shard-1 voted NO\"}"))
                .isEqualTo(Outcome.aborted(8, "shard-1 voted NO"));
        assertThat(GatewayClient.parseTransferResponse(409, "{\"code\":\"INSUFFICIENT_FUNDS\"}").kind())
                .isEqualTo(Outcome.Kind.INSUFFICIENT_FUNDS);
        assertThat(GatewayClient.parseTransferResponse(409, "{\"code\":\"SOMETHING_ELSE\"}").key())
                .isEqualTo("error:http-409:SOMETHING_ELSE");
        assertThat(GatewayClient.parseTransferResponse(502, "<html>bad gateway</html>").key()).isEqualTo("error:http-502");
        assertThat(GatewayClient.parseTransferResponse(200, "{\"state\":\"PREPARING\"}").key())
                .isEqualTo("error:unexpected-state:PREPARING");
        assertThat(GatewayClient.parseAudit("{\"total\":10,\"expectedTotal\":10,\"accounts\":[1,2],\"negative\":[],\"consistent\":true}"))
                .isEqualTo(new Audit(10, 10, 2, 0, true));
        assertThat(GatewayClient.parseAccountIds("{\"accounts\":[{\"id\":3},{\"id\":4}]}")).isEqualTo(List.of(3L, 4L));
        assertThat(GatewayClient.parseAccountIds("[{\"id\":1,\"shard\":1,\"balance\":5}]")).isEqualTo(List.of(1L));
    }
}
