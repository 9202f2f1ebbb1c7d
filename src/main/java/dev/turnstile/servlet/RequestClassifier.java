package dev.turnstile.servlet;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.jsonrpc.JsonRpcMessage;
import dev.turnstile.jsonrpc.SniffResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a sniffed body into a {@link Call}. Responses and notifications never lock (the holder
 * may be waiting for them); {@code initialize} and {@code ping} always bypass; a batch takes the
 * strongest class of its requests.
 */
final class RequestClassifier {

    private final Classifier classifier;

    RequestClassifier(Classifier classifier) {
        this.classifier = classifier;
    }

    Call classify(SniffResult sniffed) {
        CallClass strongest = CallClass.BYPASS;
        List<String> ids = new ArrayList<>();
        for (JsonRpcMessage m : sniffed.messages()) {
            if (m.isResponse() || m.isNotification()) {
                continue;
            }
            ids.add(m.rawId());
            if (!"initialize".equals(m.method()) && !"ping".equals(m.method())) {
                strongest = strongest.strongest(classifier.classify(m.method(), m.toolName()));
            }
        }
        return new Call(strongest, sniffed.batch(), List.copyOf(ids));
    }
}
