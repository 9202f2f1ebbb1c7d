package dev.turnstile.spring;

import dev.turnstile.Turnstile;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.servlet.TurnstileFilter;
import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.env.Environment;

/** The {@link TurnstileFilter}'s registration: async-supported, REQUEST and ASYNC, late in the chain. */
final class FilterRegistrations {

    private FilterRegistrations() {}

    static FilterRegistrationBean<TurnstileFilter> of(
            Turnstile turnstile, TurnstileSettings settings, Environment environment) {
        FilterRegistrationBean<TurnstileFilter> registration =
                new FilterRegistrationBean<>(new TurnstileFilter(turnstile, settings.classifier(), settings.options()));
        registration.setName(TurnstileAutoConfiguration.FILTER_NAME);
        registration.setAsyncSupported(true); // the MCP transports go async, and so does a call that waits
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setUrlPatterns(urlPatterns(environment));
        registration.setOrder(environment.getProperty(
                TurnstileAutoConfiguration.FILTER_ORDER,
                Integer.class,
                TurnstileAutoConfiguration.DEFAULT_FILTER_ORDER));
        return registration;
    }

    /** {@code turnstile.servlet.url-patterns}, else the MCP endpoint of Spring AI's Streamable HTTP server. */
    static List<String> urlPatterns(Environment environment) {
        String[] patterns = environment.getProperty(TurnstileAutoConfiguration.URL_PATTERNS, String[].class);
        if (patterns != null && patterns.length > 0) {
            return List.of(patterns);
        }
        String endpoint = environment
                .getProperty(
                        TurnstileAutoConfiguration.SPRING_AI_MCP_ENDPOINT,
                        TurnstileAutoConfiguration.DEFAULT_MCP_ENDPOINT)
                .trim();
        if (!endpoint.startsWith("/")) {
            throw new IllegalArgumentException(
                    TurnstileAutoConfiguration.SPRING_AI_MCP_ENDPOINT + " must start with '/': '" + endpoint + "'");
        }
        String path = servletPath(environment) + endpoint;
        path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return List.of(path + "/*"); // matches the endpoint itself too
    }

    /** The DispatcherServlet's path ({@code spring.mvc.servlet.path}) without its trailing '/': Spring AI's endpoint is under it. */
    private static String servletPath(Environment environment) {
        String path = environment
                .getProperty(TurnstileAutoConfiguration.DISPATCHER_SERVLET_PATH, "")
                .trim();
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
