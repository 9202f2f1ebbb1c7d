/**
 * Spring Boot 4 support: an auto-configuration that builds a {@link dev.turnstile.Turnstile} from
 * {@code turnstile.*} in Spring's {@code Environment} and registers the
 * {@link dev.turnstile.servlet.TurnstileFilter} with a {@code FilterRegistrationBean}
 * ({@link dev.turnstile.spring.TurnstileAutoConfiguration}), Micrometer meters when Micrometer is
 * present, and an opt-in {@link dev.turnstile.spring.TurnstileHealthIndicator}. Spring Boot is an
 * optional dependency of Turnstile: nothing outside this package refers to it.
 */
package dev.turnstile.spring;
