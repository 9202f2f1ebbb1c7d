package dev.turnstile.cdi;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Guards a bean method (a tool handler) like the servlet filter guards a POST: it takes a place in
 * the current request's session and turn for the duration of the call.
 *
 * <pre>{@code
 * @Guarded(WRITE) public Receipt refund(...)          // exclusive in its turn
 * @Guarded(READ) public Balance balance(...)          // shares its turn with other reads
 * @Guarded(tool = "lookup_charge") public Charge ...  // classified like the tool of that name
 * @Guarded public Refunds list_refunds(...)           // classified by the method name
 * }</pre>
 *
 * Inside a request that already holds a place of equal or stronger mode (taken by the filter or an
 * outer {@code @Guarded} method) the call re-enters without any Redis traffic; a read holder that
 * asks for a write fails fast with {@link LockUpgradeException}. A call outside any HTTP request
 * with a session id proceeds unguarded (logged at debug). A call that cannot get its place throws
 * {@link GuardedBusyException}.
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Guarded {

    /**
     * How the call is guarded.
     *
     * @return {@link Access#READ}, {@link Access#WRITE}, or {@link Access#TOOL} (the default) to
     *         classify it like a tool call
     */
    @Nonbinding
    Access value() default Access.TOOL;

    /**
     * With {@link Access#TOOL}: the tool name to classify.
     *
     * @return the tool name; empty (the default) means the method's name
     */
    @Nonbinding
    String tool() default "";

    /** How a {@code @Guarded} call takes its place. */
    enum Access {
        /** Shares its turn with other reads. */
        READ,
        /** Runs alone in its turn. */
        WRITE,
        /** Classified like a tool call of that name (exact rule, glob, read prefixes, else write). */
        TOOL
    }
}
