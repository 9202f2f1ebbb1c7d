/**
 * Ready-made health checks over {@link dev.turnstile.Turnstile#ping()}: a MicroProfile Health
 * readiness check, registered by Turnstile's CDI extension when {@code health-readiness=true} and
 * MicroProfile Health is present. Nothing else in the library refers to this package.
 */
package dev.turnstile.health;
