package dev.turnstile.servlet;

/**
 * Request attributes the filter sets for the MCP server behind it while a guarded call runs.
 * Names derive from the class name, Spring Session style.
 */
public final class TurnstileAttributes {

    private static final String P = TurnstileAttributes.class.getName() + ".";

    /** The {@link dev.turnstile.Permit} held for this request. */
    public static final String PERMIT = P + "permit";
    /** {@code "read"} or {@code "write"}. */
    public static final String MODE = P + "mode";
    /** The turn id header's value, or absent for a call that is a turn of its own. */
    public static final String TURN = P + "turn";
    /**
     * The tool of a guarded call that is one {@code tools/call}: the place the filter holds was
     * classified for it ({@code @Guarded} methods of that tool re-enter it as it was classified).
     */
    public static final String TOOL = P + "tool";
    /** The fencing token ({@link Long}) of a write call; absent for reads. */
    public static final String FENCE = P + "fence";
    /**
     * A {@link java.util.function.BooleanSupplier} that answers whether the call's lease was lost
     * (read it when it matters, for example just before committing a write).
     */
    public static final String LEASE_LOST = P + "leaseLost";
    /** {@link Boolean#TRUE} when the store was unreachable and the call went on unguarded (fail-open). */
    public static final String FAILED_OPEN = P + "failedOpen";

    /**
     * The servlet-context attribute (a {@code dev.turnstile.cdi.TurnstileGuard}) under
     * which the filter publishes its guard, so that {@code @Guarded} methods share its engine.
     */
    public static final String GUARD = P + "guard";

    private TurnstileAttributes() {}
}
