package dev.turnstile.examples.mcpserver;

import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HeaderAccessor;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * DNS-rebinding protection (MCP security best practices): a request whose {@code Host}, or whose
 * {@code Origin} when it has one, is not allowed is answered HTTP 403 with a JSON-RPC error without an
 * id, and goes no further. web.xml maps this filter before Turnstile's, so a refused request never takes
 * a place in a session.
 *
 * <p>The rule is the MCP Java SDK's own {@link DefaultServerTransportSecurityValidator}: an entry matches
 * its value exactly, and an entry ending in {@code :*} matches that host or origin with any port or none.
 * It runs here rather than in the SDK servlet (its {@code securityValidator} hook) because the servlet
 * runs behind Turnstile, after the place is taken, and answers a bad {@code Host} with 421.
 *
 * <p>Allowed values, comma-separated: the environment variables {@value #HOSTS_ENV} and
 * {@value #ORIGINS_ENV}, else the init-params {@value #HOSTS_PARAM} and {@value #ORIGINS_PARAM}, else
 * loopback ({@link #DEFAULT_HOSTS}, {@link #DEFAULT_ORIGINS}). A list replaces its default. Values are
 * compared without regard to case.
 */
public class DnsRebindingFilter implements Filter {

    /** Environment variable: the {@code Host} values allowed, comma-separated. */
    public static final String HOSTS_ENV = "ALLOWED_HOSTS";
    /** Environment variable: the {@code Origin} values allowed, comma-separated. */
    public static final String ORIGINS_ENV = "ALLOWED_ORIGINS";
    /** Init-param used when {@value #HOSTS_ENV} is not set. */
    public static final String HOSTS_PARAM = "allowed-hosts";
    /** Init-param used when {@value #ORIGINS_ENV} is not set. */
    public static final String ORIGINS_PARAM = "allowed-origins";
    /** Loopback under any port. */
    public static final List<String> DEFAULT_HOSTS = List.of("localhost:*", "127.0.0.1:*", "[::1]:*");
    /** Pages served from loopback, under any port. */
    public static final List<String> DEFAULT_ORIGINS = List.of(
            "http://localhost:*",
            "http://127.0.0.1:*",
            "http://[::1]:*",
            "https://localhost:*",
            "https://127.0.0.1:*",
            "https://[::1]:*");

    /** The status the SDK's validator gives a refused {@code Host} (an {@code Origin} gets 403). */
    private static final int SDK_HOST_STATUS = 421;

    private DefaultServerTransportSecurityValidator validator;

    @Override
    public void init(FilterConfig config) {
        List<String> hosts = allowed(System.getenv(HOSTS_ENV), config.getInitParameter(HOSTS_PARAM), DEFAULT_HOSTS);
        List<String> origins =
                allowed(System.getenv(ORIGINS_ENV), config.getInitParameter(ORIGINS_PARAM), DEFAULT_ORIGINS);
        validator = DefaultServerTransportSecurityValidator.builder()
                .allowedHosts(hosts)
                .allowedOrigins(origins)
                .build();
        config.getServletContext().log("DNS-rebinding protection: allowed hosts " + hosts + ", origins " + origins);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            validator.validate(new LowerCaseHeaders((HttpServletRequest) request));
        } catch (ServerTransportSecurityException e) {
            boolean host = e.getStatusCode() == SDK_HOST_STATUS;
            forbid(
                    (HttpServletResponse) response,
                    host ? "Host" : "Origin",
                    host ? "host_not_allowed" : "origin_not_allowed");
            return;
        }
        chain.doFilter(request, response);
    }

    /** The first list that is set, trimmed and in lower case. */
    static List<String> allowed(String fromEnv, String fromParam, List<String> defaults) {
        String value = fromEnv != null && !fromEnv.isBlank() ? fromEnv : fromParam;
        if (value == null || value.isBlank()) {
            return defaults;
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .toList();
    }

    private static void forbid(HttpServletResponse response, String header, String reason) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"" + header
                        + " header not allowed\",\"data\":{\"reason\":\"" + reason + "\"}}}");
    }

    /** The request's headers for the SDK's validator, values in lower case (host names ignore case). */
    private static final class LowerCaseHeaders implements HeaderAccessor {
        private final HttpServletRequest request;

        LowerCaseHeaders(HttpServletRequest request) {
            this.request = request;
        }

        @Override
        public List<String> getHeader(String name) {
            return Collections.list(request.getHeaders(name)).stream()
                    .map(v -> v.toLowerCase(Locale.ROOT))
                    .toList();
        }

        @Override
        public List<String> getHeaderNames() {
            return Collections.list(request.getHeaderNames());
        }
    }
}
