package dev.verdict.participant.branch;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every public method of the annotated class) in the branch of the current
 * global transaction: the one named by the request's {@code Verdict-Tx} header, or the one made current by
 * {@link BranchWorkRunner#run}. Without a current transaction the method runs as usual, outside any branch.
 * Inside, the branch's connection is bound to Spring's transaction synchronization, so JdbcTemplate and Spring
 * Data JDBC use it; if the method throws, the branch fails and will vote NO.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BranchWork {
}
