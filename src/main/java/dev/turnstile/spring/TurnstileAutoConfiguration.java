package dev.turnstile.spring;

import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileListener;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.micrometer.TurnstileMetrics;
import dev.turnstile.servlet.TurnstileFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Turnstile in a Spring Boot 4 servlet application, with no code: the jar on the class path and
 * {@code turnstile.redis-url} (or none, for the in-process store) in {@code application.properties}.
 * It builds the {@link Turnstile} from {@code turnstile.*} in Spring's {@code Environment} and
 * registers the {@link TurnstileFilter} in front of the MCP endpoint with a
 * {@link FilterRegistrationBean}: async-supported, for the REQUEST and ASYNC dispatcher types, with
 * order {@value #DEFAULT_FILTER_ORDER} (after Spring Security, so that {@code bind-principal} sees
 * the authenticated user). With Micrometer it adds a {@link TurnstileMetrics} bean (a
 * {@code MeterBinder} Spring Boot binds), and with {@code management.health.turnstile.enabled=true} a
 * {@link TurnstileHealthIndicator} named {@code turnstile}. Every bean backs off when the application
 * defines its own; {@code turnstile.enabled=false} turns all of it off.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = TurnstileAutoConfiguration.SPRING_BOOT_4_CLASS)
@Conditional(OnTurnstileEnabled.class)
public class TurnstileAutoConfiguration {

    /** {@code false} turns the auto-configuration off: no Turnstile, no filter. */
    public static final String ENABLED = "turnstile.enabled";
    /** The filter's URL patterns, comma-separated; default: {@value #SPRING_AI_MCP_ENDPOINT} + {@code /*}. */
    public static final String URL_PATTERNS = "turnstile.servlet.url-patterns";
    /** The filter's order; default {@value #DEFAULT_FILTER_ORDER}. */
    public static final String FILTER_ORDER = "turnstile.servlet.filter-order";
    /** Spring AI's Streamable HTTP endpoint, which the filter guards unless {@value #URL_PATTERNS} is set. */
    public static final String SPRING_AI_MCP_ENDPOINT = "spring.ai.mcp.server.streamable-http.mcp-endpoint";
    /** The DispatcherServlet's path, under which Spring AI's endpoint lies. */
    public static final String DISPATCHER_SERVLET_PATH = "spring.mvc.servlet.path";
    /** Spring AI's default MCP endpoint. */
    public static final String DEFAULT_MCP_ENDPOINT = "/mcp";
    /**
     * The filter's default order: the last filter before the servlet, after Spring Security's
     * ({@code -100}) and every other ordered filter.
     */
    public static final int DEFAULT_FILTER_ORDER = Ordered.LOWEST_PRECEDENCE;
    /** The filter's registration name. */
    public static final String FILTER_NAME = "turnstile";
    /** {@code true} registers the {@link TurnstileHealthIndicator}; off by default. */
    public static final String HEALTH_ENABLED = "management.health.turnstile.enabled";
    /** A class that Spring Boot 4 has and Spring Boot 3 does not: the auto-configuration is for Boot 4. */
    static final String SPRING_BOOT_4_CLASS = "org.springframework.boot.EnvironmentPostProcessor";

    /**
     * Every setting, read from Spring's {@code Environment}; invalid values stop the start-up.
     *
     * @param environment where {@code turnstile.*} is read, in Spring's order
     * @param resources   opens a {@code turnstile.classification-file} under {@code /WEB-INF/} or {@code /META-INF/}
     * @return the settings
     * @throws IllegalArgumentException when a value is invalid, naming the setting and the value
     */
    @Bean
    @ConditionalOnMissingBean
    public TurnstileSettings turnstileSettings(Environment environment, ResourceLoader resources) {
        return SpringSettings.load(environment, resources);
    }

    /**
     * The engine, given every {@link TurnstileListener} bean; closed with the context.
     *
     * @param settings  the settings
     * @param listeners the application's listeners (the {@link TurnstileMetrics} bean among them), in order
     * @return the running engine
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Turnstile turnstile(TurnstileSettings settings, ObjectProvider<TurnstileListener> listeners) {
        return settings.builder()
                .listener(Listeners.of(listeners.orderedStream().toList()))
                .build();
    }

    /**
     * The filter in front of the MCP endpoint; backs off for a registration of a TurnstileFilter of the application's.
     *
     * @param turnstile   the engine the filter takes its places from (the filter does not close it)
     * @param settings    the classification rules and the filter's options
     * @param environment where {@value #URL_PATTERNS} and {@value #FILTER_ORDER} are read
     * @return the registration: async-supported, REQUEST and ASYNC dispatches
     * @throws IllegalArgumentException when {@value #SPRING_AI_MCP_ENDPOINT} does not start with {@code /}
     */
    @Bean
    @ConditionalOnMissingBean(value = TurnstileFilter.class, parameterizedContainer = FilterRegistrationBean.class)
    public FilterRegistrationBean<TurnstileFilter> turnstileFilter(
            Turnstile turnstile, TurnstileSettings settings, Environment environment) {
        return FilterRegistrations.of(turnstile, settings, environment);
    }

    /** Micrometer's meters, when Micrometer is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean
        TurnstileMetrics turnstileMetrics() {
            return new TurnstileMetrics();
        }
    }

    /** The health indicator: opt-in, and only with Spring Boot's health module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnBooleanProperty(name = HEALTH_ENABLED)
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "turnstileHealthIndicator")
        TurnstileHealthIndicator turnstileHealthIndicator(Turnstile turnstile) {
            return new TurnstileHealthIndicator(turnstile);
        }
    }
}
