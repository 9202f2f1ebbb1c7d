/**
 * The store SPI: what a lock store does ({@link dev.turnstile.spi.LockStore}) and the values it
 * exchanges with the engine. Turnstile ships a Redis store and an in-process store; set either
 * with {@link dev.turnstile.TurnstileBuilder}.
 */
package dev.turnstile.spi;
