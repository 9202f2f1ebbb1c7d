package dev.turnstile.examples.gateway;

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
import java.util.List;
import java.util.Locale;

/**
 * DNS-rebinding protection (MCP security best practices) for the gateway: a request whose {@code Host},
 * or whose {@code Origin} when it has one, is not allowed is answered HTTP 403 with a JSON-RPC error
 * without an id, and is neither guarded nor forwarded. The gateway has to check itself: it forwards
 * with the upstream's own {@code Host}, so the upstream's check no longer sees the name the client used.
 * web.xml maps this filter before Turnstile's, so a refused request never takes a place.
 *
 * <p>The rule is the MCP Java SDK's ({@code DefaultServerTransportSecurityValidator}): an entry matches
 * its value exactly, and an entry ending in {@code :*} matches that host or origin with any port or none.
 * Values are compared without regard to case. Allowed values, comma-separated: the environment variables
 * {@value #HOSTS_ENV} and {@value #ORIGINS_ENV}, else the init-params {@value #HOSTS_PARAM} and
 * {@value #ORIGINS_PARAM}, else loopback ({@link #DEFAULT_HOSTS}, {@link #DEFAULT_ORIGINS}). A list
 * replaces its default.
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

    private static final String ANY_PORT = ":*";

    private List<String> hosts;
    private List<String> origins;

    @Override
    public void init(FilterConfig config) {
        hosts = allowed(System.getenv(HOSTS_ENV), config.getInitParameter(HOSTS_PARAM), DEFAULT_HOSTS);
        origins = allowed(System.getenv(ORIGINS_ENV), config.getInitParameter(ORIGINS_PARAM), DEFAULT_ORIGINS);
        config.getServletContext().log("DNS-rebinding protection: allowed hosts " + hosts + ", origins " + origins);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String origin = http.getHeader("Origin");
        if (origin != null && !origin.isBlank() && !matches(origins, origin)) {
            forbid((HttpServletResponse) response, "Origin", "origin_not_allowed");
        } else if (!matches(hosts, http.getHeader("Host"))) {
            forbid((HttpServletResponse) response, "Host", "host_not_allowed");
        } else {
            chain.doFilter(request, response);
        }
    }

    /** Whether {@code value} (a Host or an Origin; null never) matches an entry of {@code allowed}. */
    static boolean matches(List<String> allowed, String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (String entry : allowed) {
            if (entry.equals(v)) {
                return true;
            }
            if (entry.endsWith(ANY_PORT)) {
                String base = entry.substring(0, entry.length() - ANY_PORT.length());
                if (v.equals(base) || (v.startsWith(base + ":") && isPort(v.substring(base.length() + 1)))) {
                    return true;
                }
            }
        }
        return false;
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

    private static boolean isPort(String s) {
        return !s.isEmpty() && s.length() <= 5 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static void forbid(HttpServletResponse response, String header, String reason) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"" + header
                        + " header not allowed\",\"data\":{\"reason\":\"" + reason + "\"}}}");
    }
}
