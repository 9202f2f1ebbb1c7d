package dev.turnstile.internal.jsonrpc;

import java.util.List;

/**
 * The messages of one body.
 *
 * @param batch    whether the body was a JSON array (a batch), even one of a single message
 * @param messages the messages in body order; never empty, unmodifiable
 */
public record SniffResult(boolean batch, List<JsonRpcMessage> messages) {

    public SniffResult {
        messages = List.copyOf(messages);
    }
}
