package dev.turnstile.internal.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * A filter that only leaves a trace: the request attribute {@code test.marker.<filter-name>} (the
 * dispatcher type it ran on). Stands for an application filter mapped after Turnstile.
 */
public class MarkerFilter implements Filter {

    private String name;

    @Override
    public void init(FilterConfig config) {
        name = "test.marker." + config.getFilterName();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        request.setAttribute(name, request.getDispatcherType().name());
        chain.doFilter(request, response);
    }
}
