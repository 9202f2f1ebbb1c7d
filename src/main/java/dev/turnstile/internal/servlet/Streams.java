package dev.turnstile.internal.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * Ends the watch of a response when the response is complete: after the server's pass when it did
 * not go async, else when its asynchronous request ends. A request that goes async through
 * {@link ListeningRequest} (the server's own {@code startAsync()}) writes through the watched response.
 */
final class Streams {

    private static final String LISTENING = Streams.class.getName() + ".listening";

    private Streams() {}

    /** After the server's pass: ends the watch now, or when the async request it started ends. */
    static void endWhenDone(HttpServletRequest request, WatchedResponse watched) {
        if (!request.isAsyncStarted()) {
            watched.ended();
        } else if (request.getAttribute(LISTENING) != watched) {
            listen(request.getAsyncContext(), watched); // went async without the filter's wrapper
            request.setAttribute(LISTENING, watched);
        }
    }

    /** The async cycle's end ends the watch. */
    static void listen(AsyncContext async, AsyncListener watched) {
        async.addListener(watched);
        async.getRequest().setAttribute(LISTENING, watched);
    }

    /** A request whose server-started async cycle writes through the watched response (GET streams). */
    static final class ListeningRequest extends HttpServletRequestWrapper {
        private final WatchedResponse response;

        ListeningRequest(HttpServletRequest request, WatchedResponse response) {
            super(request);
            this.response = response;
        }

        @Override
        public AsyncContext startAsync() {
            return startAsync(this, response);
        }

        @Override
        public AsyncContext startAsync(ServletRequest request, ServletResponse servletResponse) {
            AsyncContext async = super.startAsync(request, servletResponse);
            listen(async, response);
            return async;
        }
    }
}
