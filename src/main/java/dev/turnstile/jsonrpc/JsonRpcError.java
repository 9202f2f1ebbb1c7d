package dev.turnstile.jsonrpc;

import dev.turnstile.internal.jsonrpc.JsonRpcErrorWriter;
import java.util.List;
import java.util.Map;

/** A JSON-RPC error object: what the filter writes, and what {@code @Guarded} hands to the caller. */
public record JsonRpcError(int code, String message, Map<String, Object> data) {

    public JsonRpcError {
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    }

    /**
     * The busy error: {@code code}, {@code data.reason}, {@code data.retryAfterMs} and, for
     * {@code session_busy}, {@code data.queuePosition}.
     */
    public static JsonRpcError busy(dev.turnstile.BusyException e, int code) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put(JsonRpcErrors.DATA_REASON, e.reason().wireName());
        data.put(JsonRpcErrors.DATA_RETRY_AFTER_MS, e.retryAfter().toMillis());
        e.queuePosition().ifPresent(p -> data.put(JsonRpcErrors.DATA_QUEUE_POSITION, (long) p));
        return new JsonRpcError(code, e.getMessage(), data);
    }

    /** An error whose data is only {@code reason} (none when null). */
    public static JsonRpcError of(int code, String message, String reason) {
        return new JsonRpcError(code, message, reason == null ? Map.of() : Map.of(JsonRpcErrors.DATA_REASON, reason));
    }

    /** The whole response for one request id (raw JSON text of the id, or null). */
    public byte[] toJson(String rawId) {
        return JsonRpcErrorWriter.error(rawId, code, message, data);
    }

    /** The response of a batch: one error per request id. */
    public byte[] toJson(List<String> rawIds) {
        return JsonRpcErrorWriter.batchError(rawIds, code, message, data);
    }
}
