/** The servlet filter that guards MCP tool calls ({@link dev.turnstile.servlet.TurnstileFilter}) and the request attributes it sets. */
package dev.turnstile.servlet;
