package dev.turnstile.internal.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** An application filter before Turnstile, mapped for ASYNC too, that refuses the ASYNC pass of calls whose turn id ends in "-deny" (as an authorisation re-check may). */
public class AsyncRefusingFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String turn = ((HttpServletRequest) request).getHeader("X-Mcp-Turn-Id");
        if (request.getDispatcherType() == DispatcherType.ASYNC && turn != null && turn.endsWith("-deny")) {
            ((HttpServletResponse) response).sendError(401);
            return;
        }
        chain.doFilter(request, response);
    }
}
