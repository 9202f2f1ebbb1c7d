package dev.turnstile.examples.gateway;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's transparent proxy with two changes a stateless MCP gateway needs:
 * <ul>
 *   <li>the upstream comes from the environment: {@code UPSTREAM_URL} (or the system property
 *       {@code gateway.upstream-url}) wins over the {@code proxyTo} init-param, and {@code INSTANCE_ID}
 *       names this replica in the {@code Via} header it adds;</li>
 *   <li>an event stream ({@code text/event-stream}) is flushed to the client as it arrives: its headers at
 *       once and every chunk after them. The stock servlet writes into the response buffer, which holds
 *       small SSE events back until the buffer fills or the stream ends; an MCP server's elicitation
 *       request on the stream of a pending tool call would then never reach the client.</li>
 * </ul>
 * Everything else is {@link ProxyServlet.Transparent}: all end-to-end headers are copied both ways
 * ({@code Mcp-Session-Id}, {@code MCP-Protocol-Version}, {@code Last-Event-ID}, {@code Accept},
 * {@code X-Mcp-Turn-Id}, ...), hop-by-hop headers are dropped, and nothing is cached or kept per session.
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

    @Override
    public void init(ServletConfig config) throws ServletException {
        String upstream = firstNonBlank(System.getenv(UPSTREAM_ENV), System.getProperty(UPSTREAM_PROPERTY),
                config.getInitParameter("proxyTo"));
        if (upstream == null) {
            throw new ServletException("no upstream: set " + UPSTREAM_ENV + " (e.g. http://127.0.0.1:8080/mcp)");
        }
        validate(upstream);
        String instance = firstNonBlank(System.getenv(INSTANCE_ENV), config.getInitParameter("viaHost"));
        Map<String, String> overrides = instance == null
                ? Map.of("proxyTo", upstream)
                : Map.of("proxyTo", upstream, "viaHost", instance);
        super.init(new OverridingConfig(config, overrides));
        config.getServletContext().log("gateway " + (instance == null ? "" : instance + " ")
                + "forwards " + config.getServletContext().getContextPath() + "/mcp to " + upstream);
    }

    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                           Response serverResponse) {
        super.onServerResponseHeaders(clientRequest, proxyResponse, serverResponse);
        if (isEventStream(proxyResponse)) {
            try {
                proxyResponse.flushBuffer(); // the client sees the stream open before the first event
            } catch (IOException e) {
                serverResponse.abort(e);
            }
        }
    }

    @Override
    protected void onResponseContent(HttpServletRequest request, HttpServletResponse response, Response proxyResponse,
                                     byte[] buffer, int offset, int length, Callback callback) {
        try {
            response.getOutputStream().write(buffer, offset, length);
            if (isEventStream(response)) {
                response.flushBuffer();
            }
            callback.succeeded();
        } catch (Throwable x) {
            callback.failed(x);
        }
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
