/** {@link dev.turnstile.cdi.Guarded}: the CDI interceptor binding that guards a bean method, and its exceptions. */
package dev.turnstile.cdi;
