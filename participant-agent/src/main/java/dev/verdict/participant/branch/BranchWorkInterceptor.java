package dev.verdict.participant.branch;

import dev.verdict.participant.context.CurrentTransaction;
import java.util.OptionalLong;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.beans.factory.ObjectProvider;

/** Runs {@link BranchWork} methods in the branch of the current global transaction, if there is one. */
public final class BranchWorkInterceptor implements MethodInterceptor {

    // a provider: advisors are created before the DataSource and the coordinator client exist
    private final ObjectProvider<BranchWorkRunner> runner;

    public BranchWorkInterceptor(ObjectProvider<BranchWorkRunner> runner) {
        this.runner = runner;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        OptionalLong branchTxId = BranchWorkRunner.currentBranchTxId();
        if (branchTxId.isPresent()) {
            return runner.getObject().run(branchTxId.getAsLong(), invocation::proceed); // nested: already open
        }
        OptionalLong txId = CurrentTransaction.txId();
        if (txId.isEmpty()) {
            return invocation.proceed();
        }
        return runner.getObject().run(txId.getAsLong(), CurrentTransaction.declaration().orElse(null),
                invocation::proceed);
    }
}
