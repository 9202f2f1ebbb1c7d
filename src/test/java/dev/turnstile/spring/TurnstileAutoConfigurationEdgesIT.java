package dev.turnstile.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.Turnstile;
import dev.turnstile.servlet.TurnstileFilter;
import dev.turnstile.testing.RedisProcess;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/** Edges of the auto-configuration: values Spring and the filter read differently, paths, threads after close. */
class TurnstileAutoConfigurationEdgesIT {

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TurnstileAutoConfiguration.class));

    @SuppressWarnings("unchecked")
    private static FilterRegistrationBean<TurnstileFilter> registration(
            org.springframework.context.ApplicationContext context) {
        return context.getBean("turnstileFilter", FilterRegistrationBean.class);
    }

    private static List<String> turnstileThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("turnstile-"))
                .toList();
    }

    @Test
    void shouldStopTheStartUpOnAnEnabledValueThatIsNotABoolean() {
        // the filter's own settings refuse 'ture'; a silent "off" leaves every call unguarded
        web.withPropertyValues("turnstile.enabled=ture")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("turnstile.enabled")
                        .hasMessageContaining("ture"));
    }

    @Test
    void shouldReadEnabledYesAsOnLikeTheFilterDoes() {
        web.withPropertyValues("turnstile.enabled=yes")
                .run(context ->
                        assertThat(context).hasSingleBean(Turnstile.class).hasBean("turnstileFilter"));
    }

    @Test
    void shouldGuardTheMcpEndpointUnderTheDispatcherServletPath() {
        // with spring.mvc.servlet.path=/api Spring AI's endpoint is /api/mcp: /mcp/* matches nothing
        web.withPropertyValues("spring.mvc.servlet.path=/api")
                .run(context ->
                        assertThat(registration(context).getUrlPatterns()).containsExactly("/api/mcp/*"));
    }

    @Test
    void shouldLeaveNoTurnstileThreadWhenTheContextCloses() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            List<String> before = turnstileThreads();
            web.withPropertyValues("turnstile.redis-url=" + redis.url()).run(context -> {
                try (Permit permit = context.getBean(Turnstile.class).acquire("s", null, Mode.WRITE)) {
                    assertThat(permit.sessionHash()).isNotBlank();
                }
            });
            assertThat(turnstileThreads()).containsExactlyInAnyOrderElementsOf(before);
        }
    }

    @Test
    void shouldLeaveNoTurnstileThreadWhenTheStartUpFailsAfterTheEngineWasBuilt() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            List<String> before = turnstileThreads();
            web.withPropertyValues("turnstile.redis-url=" + redis.url(), "turnstile.servlet.filter-order=abc")
                    .run(context -> assertThat(context).hasFailed());
            assertThat(turnstileThreads()).containsExactlyInAnyOrderElementsOf(before);
        }
    }
}
