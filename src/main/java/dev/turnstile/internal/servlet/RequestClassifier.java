package dev.turnstile.internal.servlet;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.TurnstileException;
import dev.turnstile.internal.jsonrpc.JsonRpcException;
import dev.turnstile.internal.jsonrpc.JsonRpcMessage;
import dev.turnstile.internal.jsonrpc.SniffResult;
import dev.turnstile.jsonrpc.JsonRpcError;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a sniffed body into a {@link Call}. Responses and notifications never lock (the holder
 * may be waiting for them); {@code initialize}, {@code ping} and the MCP 2026-07-28 protocol methods
 * {@code server/discover} and {@code subscriptions/listen} always bypass; a batch takes the
 * strongest class of its requests. A {@code tools/call} request whose params cannot be classified
 * makes the whole body {@link Unclassifiable}. A body is of the MCP 2026-07-28 era when its message
 * carries {@code params._meta["io.modelcontextprotocol/protocolVersion"]}; that era has no batches.
 */
final class RequestClassifier {

    /** A body with a {@code tools/call} request whose params cannot be classified: nothing is forwarded. */
    static final class Unclassifiable extends TurnstileException {
        private static final long serialVersionUID = 1L;

        private final transient Call call;

        Unclassifiable(String message, Call call) {
            super(message, null, false, false);
            this.call = call;
        }

        /** The ids to answer (one error per request of a batch). */
        Call call() {
            return call;
        }

        /** -32602 with {@code data.reason} {@code invalid_params}. */
        @Override
        public JsonRpcError jsonRpcError(int busyCode) {
            return JsonRpcError.of(JsonRpcErrors.INVALID_PARAMS, getMessage(), JsonRpcErrors.INVALID_PARAMS_REASON);
        }
    }

    private final Classifier classifier;

    RequestClassifier(Classifier classifier) {
        this.classifier = classifier;
    }

    /** Methods that are never locked, whatever the configuration says. */
    private static final Set<String> PROTOCOL_METHODS =
            Set.of("initialize", "ping", "server/discover", "subscriptions/listen");

    Call classify(SniffResult sniffed) throws Unclassifiable {
        return classify(sniffed, tool -> null);
    }

    /** @param learned a tool's learned class, or null (see {@link Classifier#classify(String, String, Function)}) */
    Call classify(SniffResult sniffed, Function<String, CallClass> learned) throws Unclassifiable {
        CallClass strongest = CallClass.BYPASS;
        List<String> ids = new ArrayList<>();
        String invalid = null;
        Set<Map<String, String>> metas = new LinkedHashSet<>();
        List<JsonRpcMessage> messages = sniffed.messages();
        boolean mcp2026 = is2026(sniffed);
        for (int i = 0; i < messages.size(); i++) {
            JsonRpcMessage m = messages.get(i);
            if (m.isResponse() || m.isNotification()) {
                continue;
            }
            ids.add(m.rawId());
            if (m.invalidParams() != null) {
                invalid = invalid != null ? invalid : describe(sniffed.batch(), i, m.invalidParams());
            } else if (!PROTOCOL_METHODS.contains(m.method())) {
                CallClass c = classifier.classify(m.method(), m.toolName(), learned);
                strongest = strongest.strongest(c);
                if (c != CallClass.BYPASS) {
                    metas.add(m.meta());
                }
            }
        }
        String tool =
                !sniffed.batch() && Classifier.TOOLS_CALL.equals(messages.get(0).method())
                        ? messages.get(0).toolName()
                        : null;
        Call call = new Call(
                strongest,
                sniffed.batch(),
                List.copyOf(ids),
                mcp2026,
                List.copyOf(metas),
                ResponseWatch.listRequests(messages),
                tool,
                !sniffed.batch()
                        && "subscriptions/listen".equals(messages.get(0).method()));
        if (invalid != null) {
            throw new Unclassifiable(invalid, call);
        }
        return call;
    }

    /** Whether the body is of the MCP 2026-07-28 era; a batch that carries such a request is refused. */
    private static boolean is2026(SniffResult sniffed) {
        boolean any = sniffed.messages().stream().anyMatch(m -> m.protocolVersion() != null);
        if (any && sniffed.batch()) {
            throw new JsonRpcException(
                    JsonRpcErrors.INVALID_REQUEST,
                    null,
                    "invalid request: MCP 2026-07-28 requests cannot be sent in a batch");
        }
        return any;
    }

    /** The error message: what is wrong, and in a batch where, quoting nothing from the body. */
    private static String describe(boolean batch, int index, String problem) {
        return batch
                ? "invalid params in element " + (index + 1) + " of the batch (a tools/call): " + problem
                        + "; no request of the batch was forwarded"
                : "invalid params of tools/call: " + problem;
    }
}
