package dev.turnstile.internal.servlet;

import dev.turnstile.Classifier;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.servlet.TurnstileFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.util.EnumSet;

/** Registers the filter in code ({@code ServletContext.addFilter}) with a guard built in code. */
public class ProgrammaticApp implements ServletContextListener {

    private Turnstile turnstile;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        turnstile = Turnstile.builder()
                .redisUrl(event.getServletContext().getInitParameter("redis-url"))
                .keyPrefix(event.getServletContext().getInitParameter("key-prefix"))
                .build();
        FilterRegistration.Dynamic filter = event.getServletContext()
                .addFilter("turnstile", new TurnstileFilter(turnstile, Classifier.defaults(), GuardOptions.defaults()));
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/mcp/*");
        ServletRegistration.Dynamic servlet = event.getServletContext().addServlet("recorder", new RecordingServlet());
        servlet.setAsyncSupported(true);
        servlet.addMapping("/mcp/*");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        turnstile.close();
    }
}
