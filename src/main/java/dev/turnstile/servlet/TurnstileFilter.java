package dev.turnstile.servlet;

import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.internal.config.TurnstileGuard;
import dev.turnstile.internal.servlet.FilterDispatch;
import dev.turnstile.internal.servlet.SharedGuard;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drop-in guard for MCP Streamable HTTP. Register it {@code async-supported}, for the
 * {@code REQUEST} and {@code ASYNC} dispatcher types, as the last filter in front of the MCP
 * endpoint (or map every filter after it for {@code ASYNC} too). Every guarded POST holds its
 * place across {@code chain.doFilter}, and, when the server goes async, until the request
 * completes. A call whose place is not free at once waits without a container thread: its request
 * goes async and resumes (an ASYNC dispatch through this filter) when the place is granted.
 */
public class TurnstileFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(TurnstileFilter.class);

    private FilterDispatch dispatch;
    private boolean enabled;
    private boolean ownsTurnstile;
    private Turnstile turnstile;
    private TurnstileGuard shared;
    private boolean configured;

    /**
     * For web.xml: the settings come from system properties, the environment, MicroProfile Config
     * (when present) and init-params, in that order ({@link dev.turnstile.config.SettingSource}).
     */
    public TurnstileFilter() {}

    /**
     * For {@code ServletContext.addFilter}: a guard built in code. The filter does not close
     * {@code turnstile}; its owner does.
     *
     * @param turnstile  the engine that hands out the places
     * @param classifier classifies each JSON-RPC request as read, write or bypass
     * @param options    how the filter finds keys and turn ids, answers errors and waits
     */
    public TurnstileFilter(Turnstile turnstile, Classifier classifier, GuardOptions options) {
        configure(new TurnstileGuard(turnstile, classifier, options), false);
    }

    /**
     * Loads the settings and builds the engine (web.xml), or shares the engine given in the
     * constructor with {@code @Guarded}. One engine serves the application: a filter and the
     * {@code @Guarded} interceptor that start in either order share the one built first. With
     * {@code turnstile.enabled=false} nothing is built and every request passes unguarded.
     *
     * @param filterConfig the filter's init-params and servlet context
     * @throws ServletException not thrown by this filter; an invalid setting stops the start-up with
     *                          an {@link IllegalArgumentException} that names it
     */
    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        ServletContext context = filterConfig.getServletContext();
        if (configured) {
            SharedGuard.publish(context, shared); // for @Guarded
            return;
        }
        TurnstileSettings settings = TurnstileSettings.load(
                SharedGuard.settings(filterConfig::getInitParameter, context), context::getResourceAsStream);
        if (!settings.options().enabled()) {
            configured = true;
            LOG.warn("Turnstile is disabled (turnstile.enabled=false): requests pass unguarded");
            return;
        }
        // one engine per application: @Guarded may have built it already (a bean created before this init)
        SharedGuard.Claim claim = SharedGuard.claim(
                context,
                () -> new TurnstileGuard(settings.builder().build(), settings.classifier(), settings.options()));
        configure(claim.guard(), claim.built());
    }

    private void configure(TurnstileGuard g, boolean owns) {
        this.shared = g;
        this.turnstile = g.turnstile();
        this.dispatch = new FilterDispatch(g.turnstile(), g.classifier(), g.options());
        this.enabled = g.options().enabled();
        this.ownsTurnstile = owns;
        this.configured = true;
    }

    /** skip → read the body → classify → take the place (now or later) → run the server → release. */
    @Override
    public final void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!enabled
                || !(req instanceof HttpServletRequest request)
                || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        dispatch.filter(request, response, chain);
    }

    /** Closes the engine when this filter built it; an engine given in the constructor stays open. */
    @Override
    public void destroy() {
        if (ownsTurnstile && turnstile != null) {
            turnstile.close();
        }
    }
}
