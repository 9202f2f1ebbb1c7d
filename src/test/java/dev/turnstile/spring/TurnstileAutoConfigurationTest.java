package dev.turnstile.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileListener;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.micrometer.TurnstileMetrics;
import dev.turnstile.servlet.TurnstileFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The auto-configuration in a servlet web context, with the in-process store (no Redis URL). */
class TurnstileAutoConfigurationTest {

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TurnstileAutoConfiguration.class));

    @SuppressWarnings("unchecked")
    private static FilterRegistrationBean<TurnstileFilter> registration(
            org.springframework.context.ApplicationContext context) {
        return context.getBean("turnstileFilter", FilterRegistrationBean.class);
    }

    @Test
    void shouldRegisterTheFilterAsyncSupportedForRequestAndAsyncLastInTheChainAtTheMcpEndpoint() {
        web.run(context -> {
            assertThat(context)
                    .hasSingleBean(Turnstile.class)
                    .hasSingleBean(TurnstileSettings.class)
                    .hasSingleBean(TurnstileMetrics.class)
                    .doesNotHaveBean(TurnstileHealthIndicator.class);
            FilterRegistrationBean<TurnstileFilter> registration = registration(context);
            assertThat(registration.getFilter()).isInstanceOf(TurnstileFilter.class);
            assertThat(registration.isAsyncSupported()).isTrue();
            assertThat(registration.determineDispatcherTypes())
                    .isEqualTo(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
            assertThat(registration.getUrlPatterns()).containsExactly("/mcp/*");
            assertThat(registration.getOrder()).isEqualTo(Ordered.LOWEST_PRECEDENCE);
            // Spring Security's filter chain has order -100 (SecurityFilterProperties.DEFAULT_FILTER_ORDER)
            assertThat(registration.getOrder()).isGreaterThan(-100);
            assertThat(registration.getFilterName()).isEqualTo("turnstile");
        });
    }

    @Test
    void shouldGuardSpringAisEndpointOrTheConfiguredPatternsAtTheConfiguredOrder() {
        web.withPropertyValues("spring.ai.mcp.server.streamable-http.mcp-endpoint=/api/mcp/")
                .run(context ->
                        assertThat(registration(context).getUrlPatterns()).containsExactly("/api/mcp/*"));
        web.withPropertyValues(
                        "spring.ai.mcp.server.streamable-http.mcp-endpoint=/api/mcp",
                        "turnstile.servlet.url-patterns=/a/*,/b",
                        "turnstile.servlet.filter-order=5")
                .run(context -> {
                    assertThat(registration(context).getUrlPatterns()).containsExactly("/a/*", "/b");
                    assertThat(registration(context).getOrder()).isEqualTo(5);
                });
    }

    @Test
    void shouldTurnEverythingOffWithEnabledFalse() {
        web.withPropertyValues("turnstile.enabled=false", "management.health.turnstile.enabled=true")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(Turnstile.class)
                        .doesNotHaveBean("turnstileFilter")
                        .doesNotHaveBean(TurnstileMetrics.class)
                        .doesNotHaveBean(TurnstileHealthIndicator.class));
    }

    @Test
    void shouldStayOutOfApplicationsThatAreNotServletWebApplications() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TurnstileAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Turnstile.class));
    }

    @Test
    void shouldStayOutOfSpringBoot3() {
        web.withClassLoader(new FilteredClassLoader(TurnstileAutoConfiguration.SPRING_BOOT_4_CLASS))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(Turnstile.class)
                        .doesNotHaveBean("turnstileFilter"));
    }

    @Test
    void shouldReadTurnstileSettingsFromTheEnvironmentWithSystemPropertiesBeforeEnvironmentVariables() {
        Map<String, Object> variables = Map.of("TURNSTILE_KEY_PREFIX", "from-env", "TURNSTILE_LEASE", "45s");
        web.withInitializer(context -> context.getEnvironment()
                        .getPropertySources()
                        .addAfter(
                                StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                                new SystemEnvironmentPropertySource("test-env", variables)))
                .withSystemProperties("turnstile.key-prefix=from-sys")
                .withPropertyValues("turnstile.acquire-timeout=7s")
                .run(context -> {
                    Turnstile turnstile = context.getBean(Turnstile.class);
                    assertThat(turnstile.config().keyPrefix()).isEqualTo("from-sys");
                    assertThat(turnstile.config().lease()).hasSeconds(45);
                    assertThat(turnstile.config().acquireTimeout()).hasSeconds(7);
                });
    }

    @Test
    void shouldStopTheStartUpNamingABadSetting() {
        web.withPropertyValues("turnstile.lease=soon")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("turnstile.lease")
                        .hasMessageContaining("soon"));
    }

    @Test
    void shouldBackOffForTheApplicationsOwnTurnstileAndGuardWithIt() {
        web.withUserConfiguration(OwnTurnstile.class).run(context -> {
            assertThat(context).hasSingleBean(Turnstile.class);
            assertThat(context.getBean(Turnstile.class)).isSameAs(context.getBean(OwnTurnstile.class).turnstile);
            assertThat(registration(context).getFilter()).isInstanceOf(TurnstileFilter.class);
        });
    }

    @Test
    void shouldBackOffForTheApplicationsOwnFilterRegistration() {
        web.withUserConfiguration(OwnFilter.class).run(context -> {
            assertThat(context).getBeans(FilterRegistrationBean.class).containsOnlyKeys("myTurnstileFilter");
            assertThat(context).hasSingleBean(Turnstile.class); // still there for the application's use
        });
    }

    @Test
    void shouldGiveTheEngineEveryListenerBeanAndTheMetricsMeters() {
        web.withUserConfiguration(RecordingListener.class).run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(TurnstileMetrics.class).bindTo(registry);
            try (Permit permit = context.getBean(Turnstile.class).acquire("s", null, Mode.WRITE)) {
                assertThat(registry.get("turnstile.held").gauge().value()).isEqualTo(1.0);
            }
            assertThat(registry.get("turnstile.acquire")
                            .tag("mode", "write")
                            .tag("outcome", "acquired")
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(context.getBean(RecordingListener.class).events).containsExactly("started", "acquired");
        });
    }

    @Test
    void shouldOfferTheHealthIndicatorOnlyWhenEnabled() {
        web.withPropertyValues("management.health.turnstile.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(TurnstileHealthIndicator.class).hasBean("turnstileHealthIndicator");
            assertThat(context.getBean(TurnstileHealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.UP);
        });
        web.withPropertyValues("management.health.turnstile.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(TurnstileHealthIndicator.class));
    }

    @Test
    void shouldReportAClosedTurnstileDown() {
        Turnstile turnstile = Turnstile.builder().build();
        TurnstileHealthIndicator indicator = new TurnstileHealthIndicator(turnstile);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        turnstile.close();
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(indicator.health().getDetails()).isEqualTo(Map.of("reason", "backend_unavailable"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnTurnstile {
        final Turnstile turnstile = Turnstile.builder().build();

        @Bean
        Turnstile myTurnstile() {
            return turnstile;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFilter {
        @Bean
        FilterRegistrationBean<TurnstileFilter> myTurnstileFilter(Turnstile turnstile, TurnstileSettings settings) {
            return new FilterRegistrationBean<>(
                    new TurnstileFilter(turnstile, settings.classifier(), settings.options()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RecordingListener implements TurnstileListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void started(Turnstile turnstile) {
            events.add("started");
        }

        @Override
        public void acquired(String sessionHash, Mode mode, java.time.Duration waited) {
            events.add("acquired");
        }
    }
}
