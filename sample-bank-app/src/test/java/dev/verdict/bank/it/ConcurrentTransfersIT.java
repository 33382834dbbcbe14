package dev.verdict.bank.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.verdict.bank.demo.DemoTopology;
import dev.verdict.bank.demo.ManagedProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End to end on real processes (the demo topology): concurrent transfers between 20 accounts on 2 shards, some
 * overdrawing, keep every balance >= 0 and the total constant; each committed transfer's ledger legs are there
 * and each aborted one's are not. Then the same with the coordinator leader killed (SIGKILL) mid-run.
 */
@ExtendWith(SharedTopology.class)
class ConcurrentTransfersIT {

    private static final int CLIENTS = 6;

    @Test
    void concurrentTransfersWithOverdraftsConserveMoney(DemoTopology bank) throws Exception {
        BankHttp http = new BankHttp(bank.gatewayUrl());
        Workload workload = Workload.start(http, bank.spec().accounts(), CLIENTS, 1);
        try (workload) {
            await("transfers committed and overdrafts refused").atMost(Duration.ofMinutes(4))
                    .until(() -> workload.committed() >= 120 && workload.count(BankHttp.Outcome.INSUFFICIENT_FUNDS) >= 10
                            && workload.audits().size() >= 5);
        }
        System.out.println("concurrent run: " + workload);

        BankChecks.awaitNoPreparedTransactions(bank);
        BankChecks.assertInvariants(bank, workload.attempts(), workload.audits());
    }

    @Test
    void transfersContinueWhenTheLeaderIsKilled(DemoTopology bank) throws Exception {
        BankHttp http = new BankHttp(bank.gatewayUrl());
        ManagedProcess leader = bank.awaitLeader(Duration.ofMinutes(1));
        Workload workload = Workload.start(http, bank.spec().accounts(), CLIENTS, 2);
        int committedBeforeKill;
        ManagedProcess newLeader;
        try (workload) {
            await("transfers flowing").atMost(Duration.ofMinutes(2)).until(() -> workload.committed() >= 30);
            leader.kill();
            committedBeforeKill = workload.committed();
            newLeader = bank.awaitLeader(Duration.ofMinutes(1));
            await("transfers committed under the new leader").atMost(Duration.ofMinutes(3))
                    .until(() -> workload.committed() >= committedBeforeKill + 60);
        } finally {
            if (!leader.running()) {
                leader.restart();
            }
        }
        System.out.println("failover run: killed " + leader.name() + ", new leader " + newLeader.name() + ", " + workload);
        assertThat(newLeader).isNotSameAs(leader);

        leader.awaitHealthy(Duration.ofMinutes(2));
        bank.awaitLeader(Duration.ofMinutes(1)); // the restarted node rejoined and agrees
        BankChecks.awaitNoPreparedTransactions(bank);
        BankChecks.assertInvariants(bank, workload.attempts(), workload.audits());
    }
}
