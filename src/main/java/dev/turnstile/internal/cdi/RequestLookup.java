package dev.turnstile.internal.cdi;

import dev.turnstile.internal.servlet.CurrentRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Finds the HTTP request of the current call: the one the Turnstile filter is passing down on this
 * thread, else the container's {@code HttpServletRequest} bean while the request context is active.
 */
@ApplicationScoped
public class RequestLookup {

    private final BeanManager beans;
    private final Instance<HttpServletRequest> requests;

    @Inject
    public RequestLookup(BeanManager beans, Instance<HttpServletRequest> requests) {
        this.beans = beans;
        this.requests = requests;
    }

    /** For proxies only. */
    protected RequestLookup() {
        this.beans = null;
        this.requests = null;
    }

    public HttpServletRequest current() {
        HttpServletRequest fromFilter = CurrentRequest.get();
        if (fromFilter != null) {
            return fromFilter;
        }
        try {
            if (!beans.getContext(RequestScoped.class).isActive() || !requests.isResolvable()) {
                return null;
            }
            HttpServletRequest request = requests.get();
            request.getMethod(); // touches the proxy: fails when no servlet request is behind it
            return request;
        } catch (ContextNotActiveException | IllegalStateException e) {
            return null;
        }
    }
}
