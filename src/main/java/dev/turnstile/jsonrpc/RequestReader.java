package dev.turnstile.jsonrpc;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSON-RPC reading of one body, on top of {@link JsonScanner}. Problems with valid JSON
 * (-32600) are remembered and thrown only once the whole body has proven to be valid JSON, so
 * a body that is both malformed and invalid is always a parse error (-32700). One instance per
 * body.
 */
final class RequestReader {

    private final JsonScanner scanner;
    private final List<JsonRpcMessage> messages = new ArrayList<>();
    private JsonRpcException problem;

    // the message being read
    private String method;
    private String rawId;
    private String toolName;
    private boolean response;
    private boolean seenMethod;
    private boolean seenId;
    private boolean idRepeated;
    private boolean seenParams;

    RequestReader(JsonScanner scanner) {
        this.scanner = scanner;
    }

    SniffResult read() {
        if (scanner.startsWithByteOrderMark()) {
            throw JsonTokens.parseError(null, "a byte order mark is not allowed", 0);
        }
        scanner.skipWhitespace();
        if (scanner.atEnd()) {
            throw JsonTokens.parseError(null, "empty body", scanner.position());
        }
        int first = scanner.peek();
        if (first == '{') {
            readMessage();
        } else if (first == '[') {
            readBatch();
        } else {
            scanner.skipValue();
            invalid(null, "the top-level value is neither an object nor an array");
        }
        scanner.expectEnd();
        if (problem != null) {
            throw first == '{' && rawId != null && !idRepeated ? problem.withRawId(rawId) : problem;
        }
        return new SniffResult(first == '[', messages);
    }

    private void readBatch() {
        if (!scanner.beginArray()) {
            invalid(null, "the batch is empty");
            return;
        }
        do {
            if (scanner.peek() == '{') {
                readMessage();
            } else {
                scanner.skipValue();
                invalid(null, "a batch element is not an object");
            }
        } while (scanner.nextElement());
    }

    private void readMessage() {
        method = null;
        rawId = null;
        toolName = null;
        response = false;
        seenMethod = false;
        seenId = false;
        idRepeated = false;
        seenParams = false;
        if (scanner.beginObject()) {
            do {
                readMember(scanner.memberName());
            } while (scanner.nextMember());
        }
        if (method != null && response) {
            invalid(JsonRpcErrors.AMBIGUOUS_REQUEST, "a message has both a method and a result or error");
        } else if (method == null && !response) {
            invalid(null, "a message has neither a method nor a result or error");
        }
        messages.add(new JsonRpcMessage(method, rawId, toolName, response));
    }

    private void readMember(MemberName name) {
        switch (name) {
            case METHOD -> {
                seenMethod = duplicate(seenMethod, "method");
                method = readStringOr("the method is not a string");
            }
            case ID -> {
                idRepeated |= seenId;
                seenId = duplicate(seenId, "id");
                readId();
            }
            case PARAMS -> {
                seenParams = duplicate(seenParams, "params");
                if (scanner.peek() == '{') {
                    readParams();
                } else {
                    scanner.skipValue();
                }
            }
            case RESULT, ERROR -> {
                response = true;
                scanner.skipValue();
            }
            default -> scanner.skipValue();
        }
    }

    private void readId() {
        int first = scanner.peek();
        int start = scanner.position();
        scanner.skipValue();
        if (first == '{' || first == '[' || first == 't' || first == 'f') {
            invalid(null, "the id is not a string, a number or null");
        } else {
            rawId = scanner.text(start);
        }
    }

    private void readParams() {
        boolean seenName = false;
        if (!scanner.beginObject()) {
            return;
        }
        do {
            if (scanner.memberName() == MemberName.NAME) {
                seenName = duplicate(seenName, "params.name");
                toolName = readStringOr(null);
            } else {
                scanner.skipValue();
            }
        } while (scanner.nextMember());
    }

    /** Reads a string value; anything else is skipped, reported when {@code problem} is given, and null. */
    private String readStringOr(String problemIfNotString) {
        if (scanner.peek() == '"') {
            return scanner.readString();
        }
        scanner.skipValue();
        if (problemIfNotString != null) {
            invalid(null, problemIfNotString);
        }
        return null;
    }

    /** Records a duplicate member when it was seen before; returns true (now seen). */
    private boolean duplicate(boolean seen, String member) {
        if (seen) {
            invalid(JsonRpcErrors.AMBIGUOUS_REQUEST, "duplicate '" + member + "' member");
        }
        return true;
    }

    private void invalid(String reason, String message) {
        if (problem == null || reason != null && problem.reason() == null) { // an ambiguity is the diagnosis
            problem = new JsonRpcException(JsonRpcErrors.INVALID_REQUEST, reason, "invalid request: " + message);
        }
    }
}
