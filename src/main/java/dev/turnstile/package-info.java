/**
 * Turnstile's API: build an engine with {@link dev.turnstile.Turnstile#builder()}, take places with
 * {@link dev.turnstile.Turnstile#acquire}, and release them with {@link dev.turnstile.Permit#close()}.
 * The servlet filter ({@code dev.turnstile.servlet}), the CDI interceptor ({@code dev.turnstile.cdi}),
 * settings ({@code dev.turnstile.config}), JSON-RPC errors ({@code dev.turnstile.jsonrpc}), the store
 * SPI ({@code dev.turnstile.spi}), meters and health checks, and the Spring Boot auto-configuration
 * ({@code dev.turnstile.spring}) are the other public packages.
 * Packages under {@code dev.turnstile.internal} are not API: they are public only so that sibling
 * packages can reach them, and may change in any release.
 */
package dev.turnstile;
