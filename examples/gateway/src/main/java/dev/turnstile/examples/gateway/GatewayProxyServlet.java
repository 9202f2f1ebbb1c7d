package dev.turnstile.examples.gateway;

import dev.turnstile.Permit;
import dev.turnstile.config.SettingSource;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's transparent proxy with the changes a stateless MCP gateway needs:
 * <ul>
 *   <li>the upstream comes from the environment: {@code UPSTREAM_URL} (or the system property
 *       {@code gateway.upstream-url}) wins over the {@code proxyTo} init-param, and {@code INSTANCE_ID}
 *       names this replica in the {@code Via} header it adds;</li>
 *   <li>an event stream ({@code text/event-stream}) is flushed to the client as it arrives: its headers at
 *       once and every chunk after them. The stock servlet writes into the response buffer, which holds
 *       small SSE events back until the buffer fills or the stream ends; an MCP server's elicitation
 *       request on the stream of a pending tool call would then never reach the client;</li>
 *   <li>the client's request ends when the upstream exchange ends, whether or not the client is still
 *       there, and the request's Turnstile place ({@link TurnstileAttributes#PERMIT}) is released at that
 *       moment. A client that left (noticed when a write to it fails) does not end the upstream exchange
 *       in the legacy MCP eras, and does in 2026-07-28 and later ({@link ForwardedCall}). The stock
 *       servlet ends a request whose exchange failed after its response was committed with
 *       {@code sendError(-1)}, which makes Jetty recycle it without telling {@code AsyncListener}s
 *       (Turnstile's included): so the gateway completes such a request when its client is gone, and
 *       closes the permit itself in every case (a permit's release is idempotent);</li>
 *   <li>the upstream learns what Turnstile decided for the call, in the request headers
 *       {@code Turnstile-Mode} and {@code Turnstile-Fence}, which a client can never send through
 *       ({@link GuardHeaders}).</li>
 * </ul>
 * Everything else is {@link ProxyServlet.Transparent}: all other end-to-end headers are copied both ways
 * ({@code Mcp-Session-Id}, {@code MCP-Protocol-Version}, {@code Mcp-Method}, {@code Mcp-Name},
 * {@code Last-Event-ID}, {@code Accept}, {@code X-Mcp-Turn-Id}, {@code traceparent}, {@code baggage}, ...),
 * hop-by-hop headers are dropped, and nothing is cached or kept per session.
 */
public class GatewayProxyServlet extends ProxyServlet.Transparent {

    private static final long serialVersionUID = 1L;

    /** Environment variable naming the upstream MCP endpoint, e.g. {@code http://127.0.0.1:8080/mcp}. */
    public static final String UPSTREAM_ENV = "UPSTREAM_URL";
    /** System property naming the upstream MCP endpoint (weaker than {@link #UPSTREAM_ENV}). */
    public static final String UPSTREAM_PROPERTY = "gateway.upstream-url";
    /** Environment variable naming this replica (the host part of the {@code Via} header it adds). */
    public static final String INSTANCE_ENV = "INSTANCE_ID";

    private static final String EVENT_STREAM = "text/event-stream";

    /** Turnstile's {@code max-hold}: how long the answer of a legacy client that left is still read. */
    private transient Duration maxHold;

    @Override
    public void init(ServletConfig config) throws ServletException {
        String upstream = firstNonBlank(
                System.getenv(UPSTREAM_ENV), System.getProperty(UPSTREAM_PROPERTY), config.getInitParameter("proxyTo"));
        if (upstream == null) {
            throw new ServletException("no upstream: set " + UPSTREAM_ENV + " (e.g. http://127.0.0.1:8080/mcp)");
        }
        validate(upstream);
        String instance = firstNonBlank(System.getenv(INSTANCE_ENV), config.getInitParameter("viaHost"));
        Map<String, String> overrides =
                instance == null ? Map.of("proxyTo", upstream) : Map.of("proxyTo", upstream, "viaHost", instance);
        super.init(new OverridingConfig(config, overrides));
        maxHold = maxHold(config);
        config.getServletContext()
                .log("gateway " + (instance == null ? "" : instance + " ") + "forwards "
                        + config.getServletContext().getContextPath() + "/mcp to " + upstream);
    }

    /** Jetty's {@code Via} and {@code X-Forwarded-*} headers, then the guard's own ({@link GuardHeaders}). */
    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        super.addProxyHeaders(clientRequest, proxyRequest);
        GuardHeaders.replace(clientRequest, proxyRequest);
    }

    @Override
    protected void sendProxyRequest(
            HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest) {
        clientRequest.setAttribute(
                ForwardedCall.ATTRIBUTE,
                new ForwardedCall(proxyRequest, ForwardedCall.disconnectCancels(clientRequest)));
        super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
    }

    @Override
    protected Response.Listener newProxyResponseListener(HttpServletRequest request, HttpServletResponse response) {
        return new EndingListener(request, response);
    }

    @Override
    protected void onServerResponseHeaders(
            HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
        super.onServerResponseHeaders(clientRequest, proxyResponse, serverResponse);
        if (isEventStream(proxyResponse)) {
            try {
                proxyResponse.flushBuffer(); // the client sees the stream open before the first event
            } catch (IOException e) {
                clientLeft(clientRequest, e, Callback.from(() -> {}, serverResponse::abort));
            }
        }
    }

    @Override
    protected void onResponseContent(
            HttpServletRequest request,
            HttpServletResponse response,
            Response proxyResponse,
            byte[] buffer,
            int offset,
            int length,
            Callback callback) {
        ForwardedCall call = ForwardedCall.of(request);
        if (call != null && call.clientGone()) {
            callback.succeeded(); // nobody to give it to: read on, drop it
            return;
        }
        try {
            response.getOutputStream().write(buffer, offset, length);
            if (isEventStream(response)) {
                response.flushBuffer();
            }
            callback.succeeded();
        } catch (Throwable x) {
            clientLeft(request, x, callback);
        }
    }

    /**
     * A write to the client failed: it is gone. In MCP 2026-07-28 and later that is the cancellation:
     * {@code callback} fails, which aborts the upstream exchange. Before, the upstream's answer is read
     * to its end (bounded by max-hold) and {@code callback} succeeds.
     */
    private void clientLeft(HttpServletRequest request, Throwable cause, Callback callback) {
        ForwardedCall call = ForwardedCall.of(request);
        if (call == null || call.clientLeft(maxHold, getHttpClient().getScheduler())) {
            callback.failed(cause);
        } else {
            callback.succeeded();
        }
    }

    /**
     * The upstream exchange failed. When the client is gone there is nobody to send an error to: the
     * request is completed as it is. (Jetty's default, {@code sendError(-1)} on a committed response,
     * ends the request without telling its {@code AsyncListener}s, Turnstile's among them.)
     */
    @Override
    protected void onProxyResponseFailure(
            HttpServletRequest clientRequest,
            HttpServletResponse proxyResponse,
            Response serverResponse,
            Throwable failure) {
        ForwardedCall call = ForwardedCall.of(clientRequest);
        if (call != null && call.clientGone() && clientRequest.isAsyncStarted()) {
            clientRequest.getAsyncContext().complete();
            return;
        }
        super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
    }

    /**
     * Jetty's listener, which ends the client's request when the upstream exchange ends; then this one
     * releases the request's Turnstile place. What it needs is taken from the request up front: by the
     * time the exchange has ended, the container may have recycled the request.
     */
    private final class EndingListener extends ProxyResponseListener {
        private final ForwardedCall call;
        private final Permit permit;

        EndingListener(HttpServletRequest request, HttpServletResponse response) {
            super(request, response);
            this.call = ForwardedCall.of(request);
            this.permit = request.getAttribute(TurnstileAttributes.PERMIT) instanceof Permit p ? p : null;
        }

        @Override
        public void onComplete(Result result) {
            try {
                super.onComplete(result);
            } finally {
                if (call != null) {
                    call.ended();
                }
                if (permit != null) {
                    permit.close(); // idempotent: Turnstile's own listener may have released it already
                }
            }
        }
    }

    /** Turnstile's max-hold, from the same sources as the filter's settings (and this servlet's init-params). */
    private static Duration maxHold(ServletConfig config) {
        ServletContext context = config.getServletContext();
        SettingSource source =
                SettingSource.of(name -> firstNonBlank(config.getInitParameter(name), context.getInitParameter(name)));
        return TurnstileSettings.load(source, context::getResourceAsStream)
                .builder()
                .validate()
                .maxHold();
    }

    private static boolean isEventStream(HttpServletResponse response) {
        String type = response.getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith(EVENT_STREAM);
    }

    /** A servlet whose init failed has no HTTP client to stop. */
    @Override
    public void destroy() {
        if (getHttpClient() != null) {
            super.destroy();
        }
    }

    // A bad setting stops the start-up (a ServletException, not an UnavailableException: containers keep
    // running with an unavailable servlet and would print the ready line).
    private static void validate(String upstream) throws ServletException {
        try {
            URI uri = new URI(upstream);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getQuery() == null) {
                return;
            }
        } catch (URISyntaxException e) {
            // falls through
        }
        throw new ServletException(UPSTREAM_ENV + " must be an http(s) URL of the upstream MCP endpoint "
                + "without a query, e.g. http://127.0.0.1:8080/mcp; got '" + upstream + "'");
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    /** The container's servlet config with some init-params replaced. */
    private static final class OverridingConfig implements ServletConfig {
        private final ServletConfig delegate;
        private final Map<String, String> overrides;

        OverridingConfig(ServletConfig delegate, Map<String, String> overrides) {
            this.delegate = delegate;
            this.overrides = overrides;
        }

        @Override
        public String getServletName() {
            return delegate.getServletName();
        }

        @Override
        public ServletContext getServletContext() {
            return delegate.getServletContext();
        }

        @Override
        public String getInitParameter(String name) {
            String value = overrides.get(name);
            return value != null ? value : delegate.getInitParameter(name);
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            Set<String> names = new LinkedHashSet<>(Collections.list(delegate.getInitParameterNames()));
            names.addAll(overrides.keySet());
            return Collections.enumeration(names);
        }
    }
}
