package dev.turnstile.jsonrpc;

import dev.turnstile.internal.jsonrpc.JsonRpcErrorWriter;
import java.util.List;
import java.util.Map;

/**
 * A JSON-RPC error object: what the filter writes, and what {@code @Guarded} hands to the caller.
 *
 * @param code    the error code (see {@link JsonRpcErrors})
 * @param message the error message; it names no session, key, turn id or Redis text
 * @param data    the {@code error.data} members, in order; values are strings, numbers, booleans or null
 */
public record JsonRpcError(int code, String message, Map<String, Object> data) {

    /**
     * Copies {@code data}, keeping its order.
     *
     * @param code    the error code
     * @param message the error message
     * @param data    the {@code error.data} members; null for none
     */
    public JsonRpcError {
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    }

    /**
     * The busy error: {@code code}, {@code data.reason}, {@code data.retryAfterMs} and, for
     * {@code session_busy}, {@code data.queuePosition}.
     *
     * @param e    the busy exception
     * @param code the configured busy code ({@code busy-code}, or {@code busy-code-2026} for an
     *             MCP 2026-07-28 request)
     * @return the error, with the exception's message
     */
    public static JsonRpcError busy(dev.turnstile.BusyException e, int code) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put(JsonRpcErrors.DATA_REASON, e.reason().wireName());
        data.put(JsonRpcErrors.DATA_RETRY_AFTER_MS, e.retryAfter().toMillis());
        e.queuePosition().ifPresent(p -> data.put(JsonRpcErrors.DATA_QUEUE_POSITION, (long) p));
        return new JsonRpcError(code, e.getMessage(), data);
    }

    /**
     * An error whose data is only {@code reason}.
     *
     * @param code    the error code
     * @param message the error message
     * @param reason  the value of {@code data.reason}; null for an error without data
     * @return the error
     */
    public static JsonRpcError of(int code, String message, String reason) {
        return new JsonRpcError(code, message, reason == null ? Map.of() : Map.of(JsonRpcErrors.DATA_REASON, reason));
    }

    /**
     * The whole JSON-RPC response for one request, as UTF-8.
     *
     * @param rawId the request's id as raw JSON text (a JSON string with its quotes, or a number), or
     *              null for {@code "id":null}
     * @return {@code {"jsonrpc":"2.0","id":...,"error":{...}}}
     * @throws IllegalArgumentException when {@code rawId} is not the JSON text of one string, number
     *                                  or null
     */
    public byte[] toJson(String rawId) {
        return JsonRpcErrorWriter.error(rawId, code, message, data);
    }

    /**
     * The response of a batch, as UTF-8: one error per request id, in order; a single error with
     * {@code "id":null} when the list is empty (a batch response is never an empty array).
     *
     * @param rawIds the requests' ids as raw JSON text, each as in {@link #toJson(String)}
     * @return a JSON array of error responses, or one error response
     * @throws IllegalArgumentException when an id is not the JSON text of one string, number or null
     */
    public byte[] toJson(List<String> rawIds) {
        return JsonRpcErrorWriter.batchError(rawIds, code, message, data);
    }
}
