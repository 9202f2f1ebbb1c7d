/**
 * Micrometer meters for Turnstile ({@link dev.turnstile.micrometer.TurnstileMetrics}). The only
 * package that uses Micrometer, an optional dependency: an application without it never loads
 * these classes.
 */
package dev.turnstile.micrometer;
