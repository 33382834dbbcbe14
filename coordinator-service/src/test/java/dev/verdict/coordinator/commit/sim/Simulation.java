package dev.verdict.coordinator.commit.sim;

import dev.verdict.coordinator.commit.DriverSettings;
import dev.verdict.coordinator.log.InMemoryDecisionLog;
import dev.verdict.coordinator.log.LogListener;
import dev.verdict.coordinator.txn.DeferredBegin;
import dev.verdict.coordinator.txn.Outcome;
import dev.verdict.coordinator.txn.TransactionView;
import dev.verdict.coordinator.txn.TxCommand;
import dev.verdict.coordinator.txn.TxQuery;
import dev.verdict.coordinator.txn.TxResult;
import dev.verdict.protocol.TxState;
import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.participant.SignedVote;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One seeded run: 3 coordinator nodes over one log, 4 participants, clients that begin (some deferred: nothing
 * logged until their commit or abort), enlist, then commit, abort or vanish, and participants that ask about
 * branches left prepared too long and presume abort when the coordinator knows nothing, while a nemesis crashes
 * and partitions leaders, crashes participants, and the network drops, delays and duplicates messages. After the faults stop and the system heals, {@link #violations()} checks
 * agreement, validity, integrity, durability and termination. Same seed, same run.
 */
final class Simulation {

    private static final long FAULT_PHASE_MILLIS = 20_000;
    private static final long HEAL_PHASE_MILLIS = 40_000;
    private static final int TRANSACTIONS = 60;
    /** The coordinators' declaration key: participants sign the votes clients carry with it. */
    static final String DECLARATION_KEY = "the-simulated-clusters-declaration-key";
    private static final SignedVote SIGNED = new SignedVote(DECLARATION_KEY);
    /** What a client that forges votes has: some key, never the cluster's. */
    private static final SignedVote FORGED = new SignedVote("a-key-the-cluster-does-not-have-0000");

    private final long seed;
    private final Random random;
    private final EventLoop loop = new EventLoop();
    private final SimLog log;
    private final SimNetwork network;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<String, SimParticipant> participants = new LinkedHashMap<>();
    private final Map<Long, TxState> firstDecision = new HashMap<>();
    private final Map<Long, List<String>> enlisted = new HashMap<>();
    private final Map<Long, TxState> toldClient = new HashMap<>();
    /** The votes each client carries to its commit: genuine ones (a last call's vote) and forged ones. */
    private final Map<Long, List<String>> carriedVotes = new HashMap<>();
    /** Every id a client was given, logged or deferred, in the order given. */
    private final Set<Long> begun = new LinkedHashSet<>();
    /** The deferred begins, with the declaration their commit or abort carries. */
    private final Map<Long, DeferredBegin> deferred = new HashMap<>();
    private int genuineVotes;
    private int forgedVotes;
    private int presumedAborts;
    /** The clients' id lease (a block reserved for them through any node), the next id to mint, and how many were. */
    private TxResult.Reserved lease;
    private long leaseNext;
    private boolean leasing;
    private int leased;
    private final List<String> violations = new ArrayList<>();
    private final List<String> faults = new ArrayList<>();

    Simulation(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        this.log = new SimLog(new InMemoryDecisionLog("sim", loop::at0, loop::now));
        for (String id : List.of("p1", "p2", "p3", "p4")) {
            participants.put(id, new SimParticipant(id, random, loop, 0.1));
        }
        network = new SimNetwork(loop, random, participants);
        DriverSettings settings = new DriverSettings(100, 500, 20, 400, 16, 2, 5_000);
        for (String id : List.of("n1", "n2", "n3")) {
            nodes.add(new SimNode(id, loop, random, log, network.nodeGateway(), settings));
        }
        log.shared().addListener(new LogListener() {
            @Override
            public void onApplied(TxCommand command, TxResult result, long index) {
                checkIntegrity(command, result);
            }
        });
        elect();
    }

    List<String> run() {
        for (int i = 0; i < TRANSACTIONS; i++) {
            loop.at(random.nextLong(FAULT_PHASE_MILLIS - 3_000), this::client);
        }
        loop.at(0, this::askForLease); // the clients' first lease, asked before any client needs it
        scheduleNemesis();
        scheduleReapers();
        scheduleRecovery();
        loop.runUntil(FAULT_PHASE_MILLIS);
        heal();
        loop.runUntil(FAULT_PHASE_MILLIS + HEAL_PHASE_MILLIS);
        checkOutcome();
        return violations;
    }

    List<String> faults() {
        return faults;
    }

    /** Decisions by outcome and what clients were told, so a test can see the run did real work. */
    record Summary(long committed, long aborted, long toldCommitted, int faults, int genuineVotes, int forgedVotes,
            int deferred, long deferredCommitted, int presumedAborts, int leased, int batchedPhaseTwoCalls) {
    }

    Summary summary() {
        long committed = firstDecision.values().stream().filter(s -> s == TxState.COMMITTED).count();
        long toldCommitted = toldClient.values().stream().filter(s -> s == TxState.COMMITTED).count();
        long deferredCommitted = deferred.keySet().stream()
                .filter(txId -> firstDecision.get(txId) == TxState.COMMITTED).count();
        return new Summary(committed, firstDecision.size() - committed, toldCommitted, faults.size(), genuineVotes,
                forgedVotes, deferred.size(), deferredCommitted, presumedAborts, leased, network.batchedCalls);
    }

    // ---- clients -------------------------------------------------------------------------------------------

    private void client() {
        SimNode via = anyUpNode();
        if (via == null) {
            return;
        }
        long timeout = 500 + random.nextInt(2_500);
        List<SimParticipant> chosen = pick(1 + random.nextInt(3));
        // Half the clients declare their participants at begin, so their enlists are answered without a write.
        List<ParticipantAddress> declared = random.nextBoolean()
                ? chosen.stream().map(p -> new ParticipantAddress(p.id, "sim://" + p.id)).toList()
                : List.of();
        // Half of those defer the begin: no enlists (the seal lets the agents open their branches), and the Begin
        // goes to the log with the commit or abort.
        boolean deferring = !declared.isEmpty() && random.nextBoolean();
        // Half of those mint the id themselves, from the clients' lease, without asking a node.
        if (deferring && random.nextBoolean() && beginLeased(timeout, declared, chosen)) {
            return;
        }
        (deferring ? via.coordinator.beginDeferred(timeout, declared) : via.coordinator.begin(timeout, null, declared))
                .whenComplete((tx, failure) -> {
                    if (failure != null) {
                        return;
                    }
                    begun.add(tx.txId());
                    declared.forEach(p -> enlisted.computeIfAbsent(tx.txId(), id -> new ArrayList<>())
                            .add(p.participantId()));
                    if (deferring) {
                        deferred.put(tx.txId(), new DeferredBegin(tx.deadlineMillis(), declared));
                        openDeclaredThenFinish(tx, chosen);
                    } else {
                        enlistThenFinish(tx, chosen);
                    }
                });
    }

    /**
     * A deferred begin minted from the clients' lease: no node asked at all. False when no lease can serve it (one
     * is asked for meanwhile), and the client asks a node instead.
     */
    private boolean beginLeased(long timeout, List<ParticipantAddress> declared, List<SimParticipant> chosen) {
        long now = loop.now();
        if (lease == null || leaseNext > lease.lastTxId() || now + timeout > lease.liveUntilMillis()) {
            askForLease();
            return false;
        }
        long txId = leaseNext++;
        leased++;
        begun.add(txId);
        declared.forEach(p -> enlisted.computeIfAbsent(txId, id -> new ArrayList<>()).add(p.participantId()));
        deferred.put(txId, new DeferredBegin(now + timeout, declared));
        openDeclaredThenFinish(new TransactionView(txId, TxState.ACTIVE, now, now + timeout, List.of(), 0, 0, null),
                chosen);
        return true;
    }

    private void askForLease() {
        SimNode via = anyUpNode();
        if (leasing || via == null) {
            return;
        }
        leasing = true;
        via.coordinator.reserveLease().whenComplete((reserved, failure) -> {
            leasing = false;
            if (failure == null) {
                lease = reserved;
                leaseNext = reserved.firstTxId();
            }
        });
    }

    /** A deferred begin's calls: each declared participant opens its branch on the seal, without enlisting. */
    private void openDeclaredThenFinish(TransactionView tx, List<SimParticipant> chosen) {
        for (SimParticipant participant : chosen) {
            if (!participant.openBranch(tx.txId(), tx.deadlineMillis())) {
                return; // the call failed: the client gives up, and the branches it opened end by themselves
            }
            maybeCarryVote(tx.txId(), participant);
        }
        loop.at(thinkTime(), () -> finish(tx.txId()));
    }

    /**
     * How long a client takes between its last call and its commit: mostly quick, sometimes longer than
     * participants wait before asking about a prepared branch (so their questions race the commit).
     */
    private long thinkTime() {
        return random.nextInt(10) < 3 ? 300 + random.nextInt(1_200) : random.nextInt(200);
    }

    private void enlistThenFinish(TransactionView tx, List<SimParticipant> chosen) {
        if (chosen.isEmpty()) {
            loop.at(thinkTime(), () -> finish(tx.txId()));
            return;
        }
        SimParticipant next = chosen.getFirst();
        List<SimParticipant> rest = chosen.subList(1, chosen.size());
        SimNode via = anyUpNode();
        if (via == null || !next.up) {
            return; // the client gives up: the coordinator's timeout must clean up
        }
        // As the real agent does: enlist first, open the branch once the coordinator said yes.
        via.coordinator.enlist(tx.txId(), next.id, "sim://" + next.id).whenComplete((view, failure) -> {
            if (failure != null) {
                return;
            }
            List<String> inTx = enlisted.computeIfAbsent(tx.txId(), id -> new ArrayList<>());
            if (!inTx.contains(next.id)) {
                inTx.add(next.id);
            }
            if (next.openBranch(tx.txId(), view.deadlineMillis())) {
                maybeCarryVote(tx.txId(), next);
                enlistThenFinish(tx, rest);
            }
        });
    }

    /**
     * Some clients mark their call as the last to the participant, which then votes at once and signs its vote
     * for the client to carry to the commit; some clients carry a YES they forged for a branch that never
     * prepared, which the leader must not believe (the COMMIT would reach an open branch: a violation).
     */
    private void maybeCarryVote(long txId, SimParticipant participant) {
        ParticipantAddress address = new ParticipantAddress(participant.id, "sim://" + participant.id);
        double dice = random.nextDouble();
        if (dice < 0.4) {
            carriedVotes.computeIfAbsent(txId, id -> new ArrayList<>())
                    .add(SIGNED.sign(txId, participant.prepare(txId).vote(), address));
            genuineVotes++;
        } else if (dice < 0.5) {
            carriedVotes.computeIfAbsent(txId, id -> new ArrayList<>()).add(FORGED.sign(txId, Vote.YES, address));
            forgedVotes++;
        }
    }

    private void finish(long txId) {
        SimNode via = anyUpNode();
        double dice = random.nextDouble();
        if (via == null || dice < 0.1) {
            return; // the client died before committing
        }
        DeferredBegin begin = deferred.get(txId);
        var outcome = dice < 0.25
                ? via.coordinator.abort(txId, begin)
                : via.coordinator.commit(txId, carriedVotes.getOrDefault(txId, List.of()), begin);
        if (dice > 0.9) {
            stragglerEnlist(txId); // races the commit: the frozen participant set must still be all-or-nothing
        }
        outcome.whenComplete((view, failure) -> {
            if (failure == null) {
                toldClient.put(txId, view.state());
            }
        });
    }

    private void stragglerEnlist(long txId) {
        SimNode via = anyUpNode();
        SimParticipant late = pick(1).getFirst();
        if (via == null || !late.up) {
            return;
        }
        via.coordinator.enlist(txId, late.id, "sim://" + late.id).whenComplete((view, failure) -> {
            if (failure == null) {
                enlisted.computeIfAbsent(txId, id -> new ArrayList<>()).add(late.id);
                late.openBranch(txId, view.deadlineMillis());
            }
        });
    }

    // ---- faults --------------------------------------------------------------------------------------------

    private void scheduleNemesis() {
        for (long t = 500; t < FAULT_PHASE_MILLIS - 1_000; t += 300 + random.nextInt(1_500)) {
            loop.at(t, this::fault);
        }
    }

    private void fault() {
        int kind = random.nextInt(4);
        switch (kind) {
            case 0 -> leaderFault(false);
            case 1 -> leaderFault(true);
            case 2 -> {
                SimParticipant p = new ArrayList<>(participants.values()).get(random.nextInt(participants.size()));
                if (p.up) {
                    faults.add(loop.now() + " crash " + p.id);
                    p.crash();
                    loop.at(200 + random.nextInt(1_500), () -> {
                        p.restart();
                        faults.add(loop.now() + " restart " + p.id);
                    });
                }
            }
            default -> {
                SimNode follower = nodes.get(random.nextInt(nodes.size()));
                if (follower.up && !follower.id.equals(log.leaderId())) {
                    faults.add(loop.now() + " crash follower " + follower.id);
                    follower.crash();
                    loop.at(300 + random.nextInt(1_000), follower::restart);
                }
            }
        }
    }

    /** Crash the leader, or cut it off while it still believes it leads; a new leader follows an election. */
    private void leaderFault(boolean partition) {
        SimNode leader = nodes.stream().filter(n -> n.id.equals(log.leaderId())).findFirst().orElse(null);
        if (leader == null) {
            return;
        }
        faults.add(loop.now() + (partition ? " partition leader " : " crash leader ") + leader.id);
        if (partition) {
            leader.partitioned = true;
        } else {
            leader.crash();
        }
        log.setLeader(null);
        loop.at(150 + random.nextInt(600), this::elect);
        loop.at(800 + random.nextInt(2_000), () -> {
            if (partition) {
                leader.partitioned = false;
                leader.tellLeadership(leader.id.equals(log.leaderId()), log.term());
            } else if (!leader.up) {
                leader.restart();
            }
        });
    }

    private void elect() {
        List<SimNode> candidates = nodes.stream().filter(n -> n.up && !n.partitioned).toList();
        if (candidates.isEmpty()) {
            loop.at(200, this::elect);
            return;
        }
        SimNode winner = candidates.get(random.nextInt(candidates.size()));
        log.setLeader(winner.id);
        faults.add(loop.now() + " elected " + winner.id + " term " + log.term());
        for (SimNode node : nodes) {
            node.tellLeadership(node == winner, log.term());
        }
    }

    private void scheduleReapers() {
        for (long t = 250; t < FAULT_PHASE_MILLIS + HEAL_PHASE_MILLIS; t += 250) {
            loop.at(t, () -> participants.values().forEach(p -> {
                if (p.up) {
                    p.reap();
                }
            }));
        }
    }

    /**
     * The agents' recovery: a branch prepared a while ago and still waiting for phase 2 is asked about, and the
     * answer applied: the decision, or presumed abort when the coordinator knows nothing of the transaction. The
     * coordinator must never let a deferred transaction's commit follow that answer (the participant has rolled
     * back: its COMMIT would be a violation).
     */
    private void scheduleRecovery() {
        for (long t = 400; t < FAULT_PHASE_MILLIS + HEAL_PHASE_MILLIS; t += 400) {
            loop.at(t, () -> participants.values().forEach(p -> {
                if (p.up) {
                    p.inDoubtSince(loop.now() - 300).forEach(txId -> askAbout(p, txId));
                }
            }));
        }
    }

    private void askAbout(SimParticipant participant, long txId) {
        SimNode via = anyUpNode();
        if (via == null) {
            return;
        }
        via.coordinator.status(txId).whenComplete((status, failure) -> {
            if (failure != null || !participant.up) {
                return;
            }
            if (status.isEmpty()) {
                participant.decide(txId, Outcome.ABORT, 0);
            } else if (status.get().isDecided()) {
                if (deferred.containsKey(txId) && status.get().participants().isEmpty()) {
                    presumedAborts++; // asked before the deferred begin was logged: the ABORT logged first won
                }
                participant.decide(txId, status.get().state() == TxState.COMMITTED ? Outcome.COMMIT : Outcome.ABORT,
                        status.get().decisionIndex());
            }
        });
    }

    private void heal() {
        faults.add(loop.now() + " heal");
        network.faulty = false;
        log.faulty = false;
        participants.values().forEach(p -> {
            if (!p.up) {
                p.restart();
            }
        });
        for (SimNode node : nodes) {
            if (!node.up) {
                node.restart();
            }
            node.partitioned = false;
        }
        if (!log.hasLeader() || nodes.stream().noneMatch(n -> n.id.equals(log.leaderId()) && n.up)) {
            elect();
        } else {
            for (SimNode node : nodes) {
                node.tellLeadership(node.id.equals(log.leaderId()), log.term());
            }
        }
    }

    // ---- invariants ----------------------------------------------------------------------------------------

    private void checkIntegrity(TxCommand command, TxResult result) {
        if (command instanceof TxCommand.Decide && result instanceof TxResult.Applied(TransactionView view)) {
            TxState first = firstDecision.putIfAbsent(view.txId(), view.state());
            if (first != null && first != view.state()) {
                violations.add("integrity: tx " + view.txId() + " decided " + first + " then " + view.state());
            }
        }
    }

    private void checkOutcome() {
        participants.values().forEach(p -> violations.addAll(p.violations));
        List<TransactionView> held = log.shared().replica().read(t -> t.query(new TxQuery.Recent(Integer.MAX_VALUE)));
        Map<Long, TransactionView> byId = new HashMap<>();
        held.forEach(v -> byId.put(v.txId(), v));
        for (long txId : begun) {
            TransactionView tx = byId.get(txId);
            TxState decided = firstDecision.get(txId);
            if (tx != null && !tx.isFinished()) {
                violations.add("termination: tx " + txId + " still " + tx.state() + " " + tx.participants());
            }
            // A deferred begin whose client vanished before its commit or abort was never logged: its branches
            // must still have ended (checked below), but there is no decision to find.
            if (tx == null && decided == null && !deferred.containsKey(txId)) {
                violations.add("termination: tx " + txId + " forgotten without a decision");
            }
            TxState told = toldClient.get(txId);
            if (told != null && told != decided) {
                violations.add("durability: client told " + told + " for tx " + txId + " but log decided " + decided);
            }
            for (String participantId : enlisted.getOrDefault(txId, List.of())) {
                SimParticipant.BranchState state = participants.get(participantId).state(txId);
                if (state == SimParticipant.BranchState.PREPARED || state == SimParticipant.BranchState.ACTIVE) {
                    violations.add("termination: tx " + txId + " left " + state + " on " + participantId);
                }
                if (decided == TxState.COMMITTED && state != SimParticipant.BranchState.COMMITTED) {
                    violations.add("agreement: tx " + txId + " committed but " + participantId + " is " + state);
                }
                if (decided == TxState.ABORTED && state == SimParticipant.BranchState.COMMITTED) {
                    violations.add("agreement: tx " + txId + " aborted but " + participantId + " committed");
                }
            }
        }
    }

    private SimNode anyUpNode() {
        List<SimNode> up = nodes.stream().filter(n -> n.up).toList();
        return up.isEmpty() ? null : up.get(random.nextInt(up.size()));
    }

    private List<SimParticipant> pick(int count) {
        List<SimParticipant> all = new ArrayList<>(participants.values());
        List<SimParticipant> chosen = new ArrayList<>();
        while (chosen.size() < count) {
            chosen.add(all.remove(random.nextInt(all.size())));
        }
        return chosen;
    }
}
