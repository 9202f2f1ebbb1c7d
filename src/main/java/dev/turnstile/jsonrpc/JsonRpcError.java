package dev.turnstile.jsonrpc;

import java.util.List;
import java.util.Map;

/** A JSON-RPC error object: what the filter writes, and what {@code @Guarded} hands to the caller. */
public record JsonRpcError(int code, String message, Map<String, Object> data) {

    public JsonRpcError {
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
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
