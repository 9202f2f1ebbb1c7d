/** Internal, not API: public only so that sibling packages can reach it; it may change in any release. */
package dev.turnstile.internal.cdi;
