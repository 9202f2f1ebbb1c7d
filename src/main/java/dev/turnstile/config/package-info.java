/**
 * Settings: where they are read from ({@link dev.turnstile.config.SettingSource}), what they build
 * ({@link dev.turnstile.config.TurnstileSettings}) and the filter's options
 * ({@link dev.turnstile.config.GuardOptions}, key sources, waiting).
 */
package dev.turnstile.config;
