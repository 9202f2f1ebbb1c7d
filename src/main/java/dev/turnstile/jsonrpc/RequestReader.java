package dev.turnstile.jsonrpc;

import dev.turnstile.Classifier;
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
    private String paramsProblem;

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
        startMessage();
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
        if (!seenParams) {
            paramsProblem("params is missing");
        }
        String invalidParams = Classifier.TOOLS_CALL.equals(method) ? paramsProblem : null;
        messages.add(new JsonRpcMessage(method, rawId, toolName, response, invalidParams));
    }

    private void startMessage() {
        method = null;
        rawId = null;
        toolName = null;
        response = false;
        seenMethod = false;
        seenId = false;
        idRepeated = false;
        seenParams = false;
        paramsProblem = null;
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
                    paramsProblem("params is not an object");
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

    /** Reads {@code params.name}, and notes what keeps a {@code tools/call} from being classified. */
    private void readParams() {
        boolean seenName = false;
        if (scanner.beginObject()) {
            do {
                switch (scanner.memberName()) {
                    case NAME -> {
                        seenName = duplicate(seenName, "params.name");
                        toolName = readStringOr(null);
                        if (toolName == null || toolName.isEmpty()) {
                            paramsProblem("params.name is not a non-empty string");
                        }
                    }
                    case ARGUMENTS -> skipObject("params.arguments");
                    case META -> skipObject("params._meta");
                    default -> scanner.skipValue();
                }
            } while (scanner.nextMember());
        }
        if (!seenName) {
            paramsProblem("params.name is missing");
        }
    }

    /** Skips a value that must be an object (every occurrence, should the member repeat). */
    private void skipObject(String member) {
        if (scanner.peek() != '{') {
            paramsProblem(member + " is not an object");
        }
        scanner.skipValue();
    }

    /** The first reason why the params of the message cannot be classified, if it is a tools/call. */
    private void paramsProblem(String problem) {
        if (paramsProblem == null) {
            paramsProblem = problem;
        }
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
