/**
 * Internal, not API (it may change in any release). Framework-free JSON-RPC plumbing for the guard: {@link dev.turnstile.internal.jsonrpc.JsonRpcSniffer}
 * reads, in one strict pass and without a JSON library, what the guard needs from a body;
 * {@link dev.turnstile.internal.jsonrpc.JsonRpcErrorWriter} writes the errors the filter answers with;
 * {@link dev.turnstile.jsonrpc.JsonRpcErrors} holds every code and reason string.
 *
 * <p>The sniffer is deliberately stricter than most servers: a body it accepts is one every
 * RFC 8259 parser reads the same way. It rejects a leading UTF-8 byte order mark (RFC 8259
 * section 8.1 forbids sending one), lone surrogate escapes, and duplicate {@code method},
 * {@code id}, {@code params} and {@code params.name} members, where parsers disagree on which
 * one wins.
 */
package dev.turnstile.internal.jsonrpc;
