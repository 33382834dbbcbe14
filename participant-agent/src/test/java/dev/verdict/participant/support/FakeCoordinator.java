package dev.verdict.participant.support;

import dev.verdict.protocol.ErrorCode;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.AbortRequest;
import dev.verdict.protocol.coordinator.BeginTransactionRequest;
import dev.verdict.protocol.coordinator.ClusterStatus;
import dev.verdict.protocol.coordinator.CommitRequest;
import dev.verdict.protocol.coordinator.CoordinatorApi;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.coordinator.Enlisted;
import dev.verdict.protocol.coordinator.IdLease;
import dev.verdict.protocol.coordinator.ParticipantStatus;
import dev.verdict.protocol.coordinator.TransactionBegun;
import dev.verdict.protocol.coordinator.TransactionOutcome;
import dev.verdict.protocol.coordinator.TransactionStatus;
import dev.verdict.protocol.participant.ParticipantApi;
import dev.verdict.protocol.participant.PhaseTwoRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * A one-node, in-memory stand-in for the coordinator cluster: {@link CoordinatorApi} served over HTTP on a
 * random port by a small Spring Boot app. It records enlists, lets the test set each transaction's decision,
 * and runs a plain 2PC round on commit (prepare everyone, decide, send phase 2 once, best effort) so
 * {@code GlobalTransactions.execute} can be tested end to end. No log, no replication, no retries: the
 * participant's behaviour is what is under test.
 */
public final class FakeCoordinator implements CoordinatorUnderTest {

    private final State state;
    private final ConfigurableApplicationContext context;
    private final URI url;

    private FakeCoordinator(State state, ConfigurableApplicationContext context) {
        this.state = state;
        this.context = context;
        this.url = URI.create("http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort());
    }

    public static FakeCoordinator start() {
        State state = new State();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("fakeCoordinatorState", state))
                .properties(
                        "server.port=0",
                        "spring.main.banner-mode=off",
                        TestApps.OWN_CONFIG,
                        "verdict.participant.enabled=false",
                        "verdict.client.enabled=false",
                        "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
                .run();
        return new FakeCoordinator(state, context);
    }

    public URI url() {
        return url;
    }

    @Override
    public List<URI> urls() {
        return List.of(url);
    }

    @Override
    public long begin(Duration timeout) {
        return state.begin(timeout.toMillis(), null).txId();
    }

    @Override
    public List<ParticipantAddress> enlisted(long txId) {
        return state.enlisted(txId);
    }

    /** Logs a decision for txId without sending phase 2: the test or the participants' recovery does that. */
    public void decide(long txId, TxState decision) {
        state.decide(txId, decision);
    }

    /** Forgets txId, as after every participant acknowledged phase 2: its status becomes 404. */
    public void forget(long txId) {
        state.forget(txId);
    }

    /** While unavailable, every call is answered 503 NO_QUORUM. */
    public void available(boolean available) {
        state.available = available;
    }

    @Override
    public TransactionOutcome commit(long txId) {
        return state.commit(txId);
    }

    @Override
    public TransactionOutcome abort(long txId) {
        return state.abort(txId);
    }

    @Override
    public TransactionStatus status(long txId) {
        return state.status(txId);
    }

    /** How many times the status of txId was asked for. */
    public int statusQueries(long txId) {
        return state.statusQueries.getOrDefault(txId, 0);
    }

    /** How many calls the fake served (503s included). */
    public long calls() {
        return state.calls.get();
    }

    @Override
    public void close() {
        context.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Api.class)
    static class App {
    }

    @RestController
    static class Api implements CoordinatorApi {

        private final State state;

        Api(State state) {
            this.state = state;
        }

        /** Problems as RFC 9457 documents with a {@code code}, as the real coordinator answers them. */
        @ExceptionHandler(ErrorResponseException.class)
        ResponseEntity<ProblemDetail> problem(ErrorResponseException e) {
            return ResponseEntity.status(e.getStatusCode()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(e.getBody());
        }

        @Override
        public TransactionBegun begin(BeginTransactionRequest request, String idempotencyKey) {
            state.check();
            Long timeout = request == null ? null : request.timeoutMs();
            return state.begin(timeout == null ? 30_000 : timeout, idempotencyKey);
        }

        @Override
        public Enlisted enlist(long txId, ParticipantAddress request) {
            state.check();
            return state.enlist(txId, request);
        }

        @Override
        public TransactionOutcome commit(long txId, CommitRequest request) {
            state.check(); // the plain round sends every participant PREPARE: a carried vote is not needed
            return state.commit(txId);
        }

        @Override
        public TransactionOutcome abort(long txId, AbortRequest request) {
            state.check();
            return state.abort(txId);
        }

        /** The fake has no declaration key, as coordinators without one answer. */
        @Override
        public IdLease leaseIds() {
            state.check();
            throw State.problem(ErrorCode.ID_LEASES_DISABLED, "the fake coordinator has no declaration key");
        }

        @Override
        public TransactionStatus status(long txId) {
            state.statusQueries.merge(txId, 1, Integer::sum);
            state.check();
            return state.status(txId);
        }

        @Override
        public List<TransactionStatus> list(int limit) {
            state.check();
            return state.list();
        }

        @Override
        public ClusterStatus cluster() {
            state.check();
            return new ClusterStatus("verdict", "fake", "fake", 1, state.index.get(), state.index.get(), List.of(), true);
        }
    }

    /** The fake's transaction table. Synchronized: the tests are not about the coordinator's concurrency. */
    static final class State {

        private final AtomicLong ids = new AtomicLong(1000);
        private final AtomicLong index = new AtomicLong();
        private final AtomicLong calls = new AtomicLong();
        private final Map<Long, Tx> transactions = new LinkedHashMap<>();
        private final Map<String, Long> idempotencyKeys = new HashMap<>();
        private final Map<Long, Integer> statusQueries = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean available = true;

        private static final class Tx {
            final long txId;
            final Instant deadline;
            final List<ParticipantAddress> participants = new ArrayList<>();
            final Map<String, Vote> votes = new HashMap<>();
            TxState state = TxState.ACTIVE;
            Long decisionIndex;
            String reason;

            Tx(long txId, Instant deadline) {
                this.txId = txId;
                this.deadline = deadline;
            }
        }

        void check() {
            calls.incrementAndGet();
            if (!available) {
                throw problem(ErrorCode.NO_QUORUM, "fake coordinator made unavailable by the test");
            }
        }

        synchronized TransactionBegun begin(long timeoutMs, String idempotencyKey) {
            if (idempotencyKey != null && idempotencyKeys.containsKey(idempotencyKey)) {
                Tx tx = transactions.get(idempotencyKeys.get(idempotencyKey));
                return new TransactionBegun(tx.txId, tx.state, tx.deadline, null);
            }
            Tx tx = new Tx(ids.incrementAndGet(), Instant.now().plusMillis(timeoutMs));
            transactions.put(tx.txId, tx);
            if (idempotencyKey != null) {
                idempotencyKeys.put(idempotencyKey, tx.txId);
            }
            return new TransactionBegun(tx.txId, tx.state, tx.deadline, null);
        }

        synchronized Enlisted enlist(long txId, ParticipantAddress request) {
            Tx tx = find(txId);
            expire(tx);
            if (tx.state != TxState.ACTIVE) {
                throw problem(ErrorCode.TRANSACTION_NOT_ACTIVE, "transaction " + txId + " is " + tx.state);
            }
            if (tx.participants.stream().noneMatch(p -> p.participantId().equals(request.participantId()))) {
                tx.participants.add(request);
            }
            return new Enlisted(txId, request.participantId(), tx.state, tx.deadline);
        }

        synchronized List<ParticipantAddress> enlisted(long txId) {
            Tx tx = transactions.get(txId);
            return tx == null ? List.of() : List.copyOf(tx.participants);
        }

        TransactionOutcome commit(long txId) {
            List<ParticipantAddress> participants;
            synchronized (this) {
                Tx tx = find(txId);
                expire(tx);
                if (tx.state.isDecided()) {
                    return new TransactionOutcome(txId, tx.state, tx.reason);
                }
                tx.state = TxState.PREPARING;
                participants = List.copyOf(tx.participants);
            }
            // the prepare round, outside the lock: participants may call back (enlist is refused by now)
            Map<String, Vote> votes = new HashMap<>();
            String reason = null;
            for (ParticipantAddress p : participants) {
                Vote vote;
                try {
                    vote = participant(p).prepare(txId).vote();
                } catch (RuntimeException e) {
                    vote = Vote.NO;
                }
                votes.put(p.participantId(), vote);
                if (!vote.allowsCommit() && reason == null) {
                    reason = p.participantId() + " voted NO";
                }
            }
            TxState decision = reason == null ? TxState.COMMITTED : TxState.ABORTED;
            long decisionIndex;
            synchronized (this) {
                Tx tx = find(txId);
                tx.votes.putAll(votes);
                decide(tx, decision, reason);
                decisionIndex = tx.decisionIndex;
            }
            phaseTwo(txId, participants, votes, decision, decisionIndex);
            return new TransactionOutcome(txId, decision, reason);
        }

        TransactionOutcome abort(long txId) {
            List<ParticipantAddress> participants;
            long decisionIndex;
            synchronized (this) {
                Tx tx = find(txId);
                if (tx.state == TxState.COMMITTED) {
                    throw problem(ErrorCode.TRANSACTION_ALREADY_COMMITTED, "transaction " + txId + " is committed");
                }
                if (!tx.state.isDecided()) {
                    decide(tx, TxState.ABORTED, "aborted by the client");
                }
                participants = List.copyOf(tx.participants);
                decisionIndex = tx.decisionIndex;
            }
            phaseTwo(txId, participants, Map.of(), TxState.ABORTED, decisionIndex);
            return new TransactionOutcome(txId, TxState.ABORTED, "aborted by the client");
        }

        private void phaseTwo(long txId, List<ParticipantAddress> participants, Map<String, Vote> votes, TxState decision,
                long decisionIndex) {
            for (ParticipantAddress p : participants) {
                if (votes.get(p.participantId()) == Vote.READ_ONLY) {
                    continue;
                }
                try {
                    if (decision == TxState.COMMITTED) {
                        participant(p).commit(txId, new PhaseTwoRequest(decisionIndex));
                    } else {
                        participant(p).abort(txId, new PhaseTwoRequest(decisionIndex));
                    }
                } catch (RuntimeException e) {
                    // best effort: the participant's recovery asks for the status
                }
            }
        }

        synchronized void decide(long txId, TxState decision) {
            decide(find(txId), decision, "decided by the test");
        }

        private void decide(Tx tx, TxState decision, String reason) {
            tx.state = decision;
            tx.reason = decision == TxState.ABORTED ? reason : null;
            tx.decisionIndex = decision.isDecided() ? index.incrementAndGet() : null;
        }

        synchronized void forget(long txId) {
            transactions.remove(txId);
        }

        synchronized TransactionStatus status(long txId) {
            Tx tx = find(txId);
            expire(tx);
            List<ParticipantStatus> participants = tx.participants.stream()
                    .map(p -> new ParticipantStatus(p.participantId(), p.endpoint(), tx.votes.get(p.participantId()), false))
                    .toList();
            return new TransactionStatus(txId, tx.state, tx.deadline, participants, tx.decisionIndex, tx.reason);
        }

        synchronized List<TransactionStatus> list() {
            return transactions.keySet().stream().map(this::status).toList();
        }

        /** The coordinator aborts a transaction not committed by its deadline. */
        private void expire(Tx tx) {
            if (tx.state == TxState.ACTIVE && Instant.now().isAfter(tx.deadline)) {
                decide(tx, TxState.ABORTED, "deadline passed");
            }
        }

        private Tx find(long txId) {
            Tx tx = transactions.get(txId);
            if (tx == null) {
                throw problem(ErrorCode.TRANSACTION_NOT_FOUND, "no transaction " + txId);
            }
            return tx;
        }

        private static ParticipantApi participant(ParticipantAddress p) {
            RestClient client = RestClient.builder().baseUrl(p.endpoint()).build();
            return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(client)).build().createClient(ParticipantApi.class);
        }

        private static ErrorResponseException problem(ErrorCode code, String detail) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(code.status()), detail);
            problem.setTitle(code.title());
            problem.setType(code.type());
            problem.setProperty("code", code.name());
            return new ErrorResponseException(HttpStatus.valueOf(code.status()), problem, null);
        }
    }
}
