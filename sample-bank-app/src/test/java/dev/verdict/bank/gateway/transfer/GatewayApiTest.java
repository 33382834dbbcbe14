package dev.verdict.bank.gateway.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.verdict.bank.BankProperties;
import dev.verdict.bank.Sharding;
import dev.verdict.bank.gateway.ShardClient;
import dev.verdict.bank.gateway.ShardClients;
import dev.verdict.bank.gateway.ShardFailure;
import dev.verdict.bank.gateway.account.AccountService;
import dev.verdict.bank.gateway.audit.AuditService;
import dev.verdict.bank.gateway.cluster.ClusterService;
import dev.verdict.bank.problem.BankError;
import dev.verdict.participant.client.GlobalTransaction;
import dev.verdict.participant.client.GlobalTransactions;
import dev.verdict.participant.client.OutcomeUnknownException;
import dev.verdict.participant.client.TransactionWork;
import dev.verdict.participant.coordinator.CoordinatorUnavailableException;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * The gateway's REST contract without any server behind it: validation and every failure answered as a problem
 * with a stable code (never a 500), and the transfer's mapping of shard and coordinator failures.
 */
@WebMvcTest
@ActiveProfiles("gateway")
@Import(TransferService.class)
@EnableConfigurationProperties(BankProperties.class)
class GatewayApiTest {

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    GlobalTransactions transactions;
    @MockitoBean
    ShardClients shards;
    @MockitoBean
    AccountService accounts;
    @MockitoBean
    AuditService audits;
    @MockitoBean
    ClusterService cluster;

    private static final ParticipantAddress SHARD_AGENT = new ParticipantAddress("shard-0", "http://127.0.0.1:9");
    private final ShardClient shard = org.mockito.Mockito.mock(ShardClient.class);

    @BeforeEach
    void shards() {
        when(shards.sharding()).thenReturn(new Sharding(2, 100));
        when(shards.forAccount(anyLong())).thenReturn(shard);
        when(shard.participant()).thenReturn(SHARD_AGENT);
        // execute() as the real client does it: run the work in transaction 42, abort and rethrow on failure
        when(transactions.execute(any(Duration.class), anyList(), any(TransactionWork.class))).thenAnswer(call -> {
            TransactionWork work = call.getArgument(2);
            work.run(new GlobalTransaction(42, Instant.now().plusSeconds(10)));
            return new TransactionOutcome(42, TxState.COMMITTED, null);
        });
    }

    @Test
    void aTransferAnswersTheDecision() {
        MvcTestResult result = transfer("{\"from\":1,\"to\":2,\"amount\":150}");
        assertThat(result).hasStatusOk();
        assertThat(result).bodyJson().extractingPath("$.state").isEqualTo("COMMITTED");
        assertThat(result).bodyJson().extractingPath("$.txId").isEqualTo(42);
        assertThat(result).bodyJson().extractingPath("$.transferId").isNotNull();
        // the transfer declares its shards' agents when it begins (both accounts are on the mocked shard here)
        verify(transactions).execute(any(Duration.class), eq(List.of(SHARD_AGENT)), any(TransactionWork.class));
    }

    @Test
    void invalidInputIsA400WithACode() {
        assertProblem(transfer("{\"from\":1,\"to\":2,\"amount\":1.5}"), 400, BankError.INVALID_AMOUNT);
        assertProblem(transfer("{\"from\":1,\"to\":2,\"amount\":\"ten\"}"), 400, BankError.INVALID_AMOUNT);
        assertProblem(transfer("{\"from\":1,\"to\":2,\"amount\":0}"), 400, BankError.INVALID_AMOUNT);
        assertProblem(transfer("{\"from\":1,\"to\":2,\"amount\":-3}"), 400, BankError.INVALID_AMOUNT);
        assertProblem(transfer("{\"from\":5,\"to\":5,\"amount\":3}"), 400, BankError.SAME_ACCOUNT);
        assertProblem(transfer("{\"from\":1,\"amount\":3}"), 400, BankError.VALIDATION_FAILED);
        assertProblem(transfer("{\"from\":1,"), 400, BankError.MALFORMED_REQUEST);
        assertProblem(transfer("[1,2]"), 400, BankError.MALFORMED_REQUEST);
        assertProblem(mvc.post().uri("/api/transfers").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "two words").content("{\"from\":1,\"to\":2,\"amount\":3}").exchange(),
                400, BankError.VALIDATION_FAILED);
        MvcTestResult notANumber = mvc.get().uri("/api/accounts/abc").exchange();
        assertProblem(notANumber, 400, BankError.VALIDATION_FAILED);
        assertThat(notANumber).bodyJson().extractingPath("$.detail").isEqualTo("id: must be an integer");
    }

    @Test
    void unknownAccountsAre404() {
        assertProblem(transfer("{\"from\":1,\"to\":101,\"amount\":3}"), 404, BankError.ACCOUNT_NOT_FOUND);
    }

    @Test
    void httpBasicsHaveCodesToo() {
        assertProblem(mvc.get().uri("/api/transfers").exchange(), 405, BankError.METHOD_NOT_ALLOWED);
        assertProblem(mvc.post().uri("/api/transfers").contentType(MediaType.TEXT_PLAIN).content("1 to 2").exchange(),
                415, BankError.UNSUPPORTED_MEDIA_TYPE);
        assertProblem(mvc.get().uri("/api/demo/processes").exchange(), 404, BankError.NOT_IN_DEMO);
    }

    @Test
    void insufficientFundsIsA409NamingTheAbortedTransaction() {
        when(shard.debit(any(Long.class), any(UUID.class), any(Long.class), anyBoolean())).thenThrow(failure(BankError.INSUFFICIENT_FUNDS, Map.of()));
        MvcTestResult result = transfer("{\"from\":1,\"to\":2,\"amount\":50000}");
        assertProblem(result, 409, BankError.INSUFFICIENT_FUNDS);
        assertThat(result).bodyJson().extractingPath("$.txId").isEqualTo(42);
        assertThat(result).bodyJson().extractingPath("$.state").isEqualTo("ABORTED");
    }

    @Test
    void anUnreachableShardAbortsTheTransfer() {
        when(shard.credit(any(Long.class), any(UUID.class), any(Long.class), anyBoolean())).thenThrow(failure(BankError.SHARD_UNAVAILABLE, Map.of()));
        MvcTestResult result = transfer("{\"from\":1,\"to\":2,\"amount\":5}");
        assertThat(result).hasStatusOk();
        assertThat(result).bodyJson().extractingPath("$.state").isEqualTo("ABORTED");
        assertThat(result).bodyJson().extractingPath("$.reason").asString().contains("cannot be reached");
    }

    @Test
    void aRetryOfACommittedTransferAnswersTheFirstCommit() {
        when(shard.debit(any(Long.class), any(UUID.class), any(Long.class), anyBoolean()))
                .thenThrow(failure(BankError.DUPLICATE_TRANSFER, Map.of("txId", 7)));
        MvcTestResult result = mvc.post().uri("/api/transfers").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "order-1").content("{\"from\":1,\"to\":2,\"amount\":3}").exchange();
        assertThat(result).hasStatusOk();
        assertThat(result).bodyJson().extractingPath("$.state").isEqualTo("COMMITTED");
        assertThat(result).bodyJson().extractingPath("$.txId").isEqualTo(7);
    }

    @Test
    void coordinatorTroubleIsNeverA500() {
        when(transactions.execute(any(Duration.class), anyList(), any(TransactionWork.class)))
                .thenThrow(new CoordinatorUnavailableException("no node answered", null));
        assertProblem(transfer("{\"from\":1,\"to\":2,\"amount\":5}"), 503, BankError.COORDINATOR_UNAVAILABLE);

        when(transactions.execute(any(Duration.class), anyList(), any(TransactionWork.class))).thenAnswer(call -> {
            TransactionWork work = call.getArgument(2);
            work.run(new GlobalTransaction(43, Instant.now().plusSeconds(10)));
            throw new OutcomeUnknownException(43, "outcome of transaction 43 is not known yet", null);
        });
        MvcTestResult unknown = transfer("{\"from\":1,\"to\":2,\"amount\":5}");
        assertProblem(unknown, 504, BankError.OUTCOME_UNKNOWN);
        assertThat(unknown).bodyJson().extractingPath("$.txId").isEqualTo(43);
    }

    private static ShardFailure failure(BankError error, Map<String, Object> properties) {
        return new ShardFailure(0, error.status(), error.name(), "shard 0: " + error.title()
                + (error == BankError.SHARD_UNAVAILABLE ? " (cannot be reached)" : ""), properties, null);
    }

    private MvcTestResult transfer(String json) {
        return mvc.post().uri("/api/transfers").contentType(MediaType.APPLICATION_JSON).content(json).exchange();
    }

    private static void assertProblem(MvcTestResult result, int status, BankError code) {
        assertThat(result).hasStatus(status);
        assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(result).bodyJson().extractingPath("$.code").isEqualTo(code.name());
        assertThat(result).bodyJson().extractingPath("$.status").isEqualTo(status);
    }
}
