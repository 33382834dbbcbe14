package dev.verdict.bank.chaos.check;

import dev.verdict.bank.chaos.check.Linearizability.Entry;
import dev.verdict.bank.chaos.history.Call;
import dev.verdict.bank.chaos.history.Op;
import dev.verdict.bank.chaos.history.Outcome;
import dev.verdict.bank.chaos.history.Result;
import dev.verdict.bank.chaos.history.TxReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits a run's history into one register history per transaction id, for the {@link TxRegisterModel}.
 *
 * <ul>
 * <li>A transfer answered COMMITTED is a {@code Decide(COMMITTED)} over its interval. One answered ABORTED is a
 * {@code Decide(ABORTED)} that may take effect after the answer (the bank's gateway answers ABORTED once the work
 * failed, and if its abort request is lost the coordinator aborts at the deadline): it never returns.</li>
 * <li>A transfer with an unknown outcome whose txId is known is a {@code DecideUnknown} that never returns (it may
 * take effect at any time after its call).</li>
 * <li>A status read is a {@code Read}; a listing is one {@code Read} per transaction it returned, all over the
 * listing's interval (checking them one transaction at a time is weaker than checking the listing as one atomic
 * read, never stronger, so it cannot report a false violation).</li>
 * <li>A transaction seen only by reads (its transfer's answer never named it) gets a {@code DecideUnknown} from time
 * zero: some transfer of the run asked to commit it.</li>
 * </ul>
 * Failed reads tell nothing and are left out.
 */
public final class TxHistories {

    private TxHistories() {
    }

    public static Map<Long, List<Entry<TxRegisterModel.Op>>> of(List<Op> ops) {
        Map<Long, List<Entry<TxRegisterModel.Op>>> byTx = new TreeMap<>();
        Map<Long, Boolean> hasWriter = new TreeMap<>();
        int[] ids = {0};
        for (Op op : ops) {
            switch (op.call()) {
                case Call.Transfer transfer -> {
                    Long txId = op.txId();
                    if (txId == null) {
                        continue;
                    }
                    Result.Transfer result = op.transferResult();
                    TxRegisterModel.Op register = op.outcome() == Outcome.OK && result.state() != null
                            && result.state().isDecided()
                            ? new TxRegisterModel.Decide(result.state())
                            : new TxRegisterModel.DecideUnknown();
                    // Only a COMMITTED answer proves the decision was logged before the answer. The gateway answers
                    // ABORTED as soon as the work failed, even when its abort request did not get through: the
                    // coordinator then aborts at the deadline, after the answer.
                    long returned = register instanceof TxRegisterModel.Decide(TxReading outcome)
                            && outcome == TxReading.COMMITTED ? op.completedAt() : Op.NEVER;
                    byTx.computeIfAbsent(txId, k -> new ArrayList<>())
                            .add(new Entry<>(ids[0]++, register, op.invokedAt(), returned));
                    hasWriter.put(txId, true);
                }
                case Call.Status status -> {
                    if (op.outcome() == Outcome.OK && op.result() instanceof Result.Status(TxReading seen)) {
                        byTx.computeIfAbsent(status.txId(), k -> new ArrayList<>())
                                .add(new Entry<>(ids[0]++, new TxRegisterModel.Read(seen), op.invokedAt(),
                                        op.completedAt()));
                    }
                }
                case Call.ListRecent ignored -> {
                    if (op.outcome() == Outcome.OK && op.result() instanceof Result.ListRecent(var states)) {
                        states.forEach((txId, seen) -> byTx.computeIfAbsent(txId, k -> new ArrayList<>())
                                .add(new Entry<>(ids[0]++, new TxRegisterModel.Read(seen), op.invokedAt(),
                                        op.completedAt())));
                    }
                }
                case Call.Audit ignored -> {
                }
                case Call.Balances ignored -> {
                }
            }
        }
        byTx.forEach((txId, entries) -> {
            if (!hasWriter.containsKey(txId)) {
                entries.add(new Entry<>(ids[0]++, new TxRegisterModel.DecideUnknown(), 0, Op.NEVER));
            }
        });
        return byTx;
    }
}
