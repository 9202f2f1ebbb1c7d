package dev.turnstile.cdi.internal;

import dev.turnstile.BusyException;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.cdi.Guarded;
import dev.turnstile.cdi.GuardedBusyException;
import dev.turnstile.cdi.LockUpgradeException;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.config.TurnstileGuard;
import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.servlet.GuardedRequests;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a place for {@link Guarded} methods. Runs outside transactions
 * ({@code PLATFORM_BEFORE + 100}, before {@code @Transactional} at +200), so a transaction commits
 * while its place is still held.
 */
@Guarded
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class GuardedInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedInterceptor.class);

    private final TurnstileGuard guard;
    private final RequestLookup requests;
    private final Map<Method, Mode> modes = new ConcurrentHashMap<>();

    @Inject
    public GuardedInterceptor(TurnstileGuard guard, RequestLookup requests) {
        this.guard = guard;
        this.requests = requests;
    }

    @AroundInvoke
    public Object guard(InvocationContext ctx) throws Exception {
        Mode mode = modes.computeIfAbsent(ctx.getMethod(), m -> GuardedMethods.mode(m, guard.classifier()));
        if (mode == null || !guard.options().enabled()) {
            return ctx.proceed(); // classified as bypass, or turnstile.enabled=false
        }
        HttpServletRequest request = requests.current();
        if (request == null) {
            LOG.debug("{} runs outside an HTTP request: unguarded", GuardedMethods.name(ctx.getMethod()));
            return ctx.proceed();
        }
        Object held = request.getAttribute(TurnstileAttributes.PERMIT);
        if (held instanceof Permit permit) {
            if (!permit.mode().covers(mode)) {
                throw new LockUpgradeException(GuardedMethods.name(ctx.getMethod()));
            }
            return ctx.proceed(); // re-entry: the request's place covers this call
        }
        String sessionId = request.getHeader(GuardOptions.SESSION_HEADER);
        if (sessionId == null || sessionId.isEmpty()) {
            LOG.debug("{} runs in a request without a session id: unguarded", GuardedMethods.name(ctx.getMethod()));
            return ctx.proceed();
        }
        return proceedHolding(ctx, request, sessionId, mode);
    }

    private Object proceedHolding(InvocationContext ctx, HttpServletRequest request, String sessionId, Mode mode)
            throws Exception {
        GuardOptions options = guard.options();
        Permit permit;
        try {
            permit = guard.turnstile().acquire(GuardedRequests.sessionKey(request, sessionId, options),
                    GuardedRequests.turnId(request, options), mode);
        } catch (BusyException e) {
            throw new GuardedBusyException(e, JsonRpcError.busy(e, options.busyCode()));
        }
        request.setAttribute(TurnstileAttributes.PERMIT, permit);
        try {
            return ctx.proceed();
        } finally {
            request.removeAttribute(TurnstileAttributes.PERMIT);
            permit.close();
        }
    }
}
