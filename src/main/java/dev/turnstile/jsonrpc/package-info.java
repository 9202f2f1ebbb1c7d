/** JSON-RPC error objects ({@link dev.turnstile.jsonrpc.JsonRpcError}), every error code and reason ({@link dev.turnstile.jsonrpc.JsonRpcErrors}), and JSON pointers. */
package dev.turnstile.jsonrpc;
