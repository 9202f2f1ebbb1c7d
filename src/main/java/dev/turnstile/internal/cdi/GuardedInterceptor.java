package dev.turnstile.internal.cdi;

import dev.turnstile.BackendUnavailableException;
import dev.turnstile.BusyException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.ToolClasses;
import dev.turnstile.cdi.Guarded;
import dev.turnstile.cdi.GuardedBusyException;
import dev.turnstile.cdi.LockUpgradeException;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.internal.config.TurnstileGuard;
import dev.turnstile.internal.servlet.GuardedRequests;
import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a place for {@link Guarded} methods. Runs outside transactions
 * ({@code PLATFORM_BEFORE + 100}, before {@code @Transactional} at +200), so a transaction commits
 * while its place is still held. The guard is looked up at the first guarded call, not when a bean
 * is created, so that a bean created early does not make an engine of its own.
 */
@Guarded
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class GuardedInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedInterceptor.class);

    private final Provider<TurnstileGuard> guards;
    private final RequestLookup requests;
    private final Map<Method, String> tools = new ConcurrentHashMap<>(); // "" for a fixed mode
    private final Set<Method> warnedUnguarded = ConcurrentHashMap.newKeySet();
    private volatile TurnstileGuard guard;

    @Inject
    public GuardedInterceptor(Provider<TurnstileGuard> guards, RequestLookup requests) {
        this.guards = guards;
        this.requests = requests;
    }

    @AroundInvoke
    public Object guard(InvocationContext ctx) throws Exception {
        TurnstileGuard g = guard();
        if (!g.options().enabled()) {
            return ctx.proceed(); // turnstile.enabled=false
        }
        HttpServletRequest request = requests.current();
        Mode mode = mode(ctx.getMethod(), g, request);
        if (mode == null) {
            return ctx.proceed(); // classified as bypass
        }
        if (request == null) {
            warnUnguarded(ctx.getMethod(), "outside any HTTP request");
            return ctx.proceed();
        }
        if (request.getAttribute(TurnstileAttributes.PERMIT) instanceof Permit permit && permit.held()) {
            if (!permit.mode().covers(mode) && !classifiedForIt(ctx.getMethod(), request)) {
                throw new LockUpgradeException(GuardedMethods.name(ctx.getMethod()));
            }
            return ctx.proceed(); // re-entry: the request's live place covers this call
        }
        // the body's _meta values as the filter read them (none without the filter); unkeyed=reject throws
        Map<String, String> meta = GuardedRequests.bodyMeta(request);
        String key = GuardedRequests.conversationKey(request, meta, g.options());
        if (key == null) {
            warnUnguarded(ctx.getMethod(), "in a request without a conversation key (key-sources)");
            return ctx.proceed();
        }
        return proceedHolding(ctx, g, request, key, meta, mode);
    }

    /**
     * The method's mode: fixed by its annotation, or its tool's class, asked at every call, so that a
     * class learned later (from the server's {@code readOnlyHint}, for the request's endpoint) counts.
     */
    private Mode mode(Method method, TurnstileGuard g, HttpServletRequest request) {
        String tool = tools.computeIfAbsent(method, GuardedMethods::toolName);
        if (tool.isEmpty()) {
            return GuardedMethods.mode(method, g.classifier());
        }
        ToolClasses learned = g.options().learnAnnotations() && request != null
                ? g.turnstile().toolClasses()
                : ToolClasses.NONE;
        String endpoint = request == null ? "" : GuardedRequests.endpoint(request);
        return g.classifier()
                .classifyTool(tool, t -> learned.classOf(endpoint, t))
                .mode();
    }

    /**
     * Whether the place the request holds was classified for this method's tool: then it runs as the
     * filter let it in, although what was learned about the tool may have changed since.
     */
    private boolean classifiedForIt(Method method, HttpServletRequest request) {
        String tool = tools.computeIfAbsent(method, GuardedMethods::toolName);
        return !tool.isEmpty() && tool.equals(request.getAttribute(TurnstileAttributes.TOOL));
    }

    private TurnstileGuard guard() {
        TurnstileGuard g = guard;
        if (g == null) {
            g = guards.get();
            guard = g;
        }
        return g;
    }

    private void warnUnguarded(Method method, String where) {
        if (warnedUnguarded.add(method)) {
            LOG.warn(
                    "@Guarded {} runs {}: it is not guarded (logged once per method). Run it on the request's"
                            + " thread (MCP Java SDK: McpServer.sync(...).immediateExecution(true)) or carry the request"
                            + " over with CurrentRequest.bind(request)",
                    GuardedMethods.name(method),
                    where);
        }
    }

    private Object proceedHolding(
            InvocationContext ctx,
            TurnstileGuard g,
            HttpServletRequest request,
            String key,
            Map<String, String> meta,
            Mode mode)
            throws Exception {
        GuardOptions options = g.options();
        Permit permit;
        try {
            permit = g.turnstile().acquire(key, GuardedRequests.turnId(request, meta, options), mode);
        } catch (BusyException e) {
            throw new GuardedBusyException(e, JsonRpcError.busy(e, options.busyCode(GuardedRequests.is2026(request))));
        } catch (BackendUnavailableException e) {
            if (!options.failOpen(mode)) {
                throw e;
            }
            LOG.warn(
                    "lock store unavailable: @Guarded {} ({}) goes on unguarded (fail-open)",
                    GuardedMethods.name(ctx.getMethod()),
                    mode.wireName());
            request.setAttribute(TurnstileAttributes.FAILED_OPEN, Boolean.TRUE);
            g.turnstile().reportFailOpen(mode);
            return ctx.proceed();
        }
        Object previous = request.getAttribute(TurnstileAttributes.PERMIT);
        request.setAttribute(TurnstileAttributes.PERMIT, permit);
        try {
            return ctx.proceed();
        } finally {
            if (previous == null) {
                request.removeAttribute(TurnstileAttributes.PERMIT);
            } else {
                request.setAttribute(TurnstileAttributes.PERMIT, previous);
            }
            permit.close();
        }
    }
}
