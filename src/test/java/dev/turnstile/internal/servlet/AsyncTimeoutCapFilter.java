package dev.turnstile.internal.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/**
 * Stands for a container (or a filter in front) that times asynchronous requests out sooner than
 * asked: every async cycle started through its wrapper gets at most {@code cap-ms} (init-param),
 * whatever timeout is set later. Lets a test see a waiting request time out in the container.
 */
public class AsyncTimeoutCapFilter implements Filter {

    private long capMillis;

    @Override
    public void init(FilterConfig config) {
        capMillis = Long.parseLong(config.getInitParameter("cap-ms"));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(new Capped((HttpServletRequest) request, capMillis), response);
    }

    private static final class Capped extends HttpServletRequestWrapper {
        private final long cap;

        Capped(HttpServletRequest request, long cap) {
            super(request);
            this.cap = cap;
        }

        @Override
        public AsyncContext startAsync() {
            return new CappedContext(super.startAsync(), cap);
        }

        @Override
        public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
            return new CappedContext(super.startAsync(request, response), cap);
        }
    }

    private record CappedContext(AsyncContext context, long cap) implements AsyncContext {
        CappedContext {
            context.setTimeout(cap);
        }

        @Override
        public void setTimeout(long timeout) {
            context.setTimeout(timeout <= 0 ? cap : Math.min(timeout, cap));
        }

        @Override
        public long getTimeout() {
            return context.getTimeout();
        }

        @Override
        public ServletRequest getRequest() {
            return context.getRequest();
        }

        @Override
        public ServletResponse getResponse() {
            return context.getResponse();
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return context.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            context.dispatch();
        }

        @Override
        public void dispatch(String path) {
            context.dispatch(path);
        }

        @Override
        public void dispatch(ServletContext servletContext, String path) {
            context.dispatch(servletContext, path);
        }

        @Override
        public void complete() {
            context.complete();
        }

        @Override
        public void start(Runnable run) {
            context.start(run);
        }

        @Override
        public void addListener(AsyncListener listener) {
            context.addListener(listener);
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
            context.addListener(listener, request, response);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
            return context.createListener(type);
        }
    }
}
