package dev.turnstile.internal.jsonrpc;

import dev.turnstile.Classifier;
import dev.turnstile.jsonrpc.JsonPointer;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON-RPC reading of one body, on top of {@link JsonScanner}. Problems with valid JSON
 * (-32600) are remembered and thrown only once the whole body has proven to be valid JSON, so
 * a body that is both malformed and invalid is always a parse error (-32700). One instance per
 * body.
 */
final class RequestReader {

    private final JsonScanner scanner;
    private final MetaPaths metaPaths;
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
    private String uri;
    private String taskId;
    private String cursor;
    private Map<String, String> meta = new HashMap<>();

    RequestReader(JsonScanner scanner, MetaPaths metaPaths) {
        this.scanner = scanner;
        this.metaPaths = metaPaths;
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
        String version = meta.remove(JsonRpcSniffer.PROTOCOL_VERSION.text());
        messages.add(new JsonRpcMessage(
                method, rawId, toolName, response, invalidParams, version, uri, taskId, cursor, meta));
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
        uri = null;
        taskId = null;
        cursor = null;
        meta = new HashMap<>();
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

    /**
     * Reads {@code params.name}, {@code uri}, {@code taskId} and the wanted {@code _meta} values, and
     * notes what keeps a {@code tools/call} from being classified.
     */
    private void readParams() {
        boolean seenName = false;
        boolean seenUri = false;
        boolean seenTaskId = false;
        boolean seenCursor = false;
        boolean seenMeta = false;
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
                    case URI -> {
                        seenUri = duplicate(seenUri, "params.uri");
                        uri = readStringOr(null);
                    }
                    case TASK_ID -> {
                        seenTaskId = duplicate(seenTaskId, "params.taskId");
                        taskId = readStringOr(null);
                    }
                    case CURSOR -> {
                        seenCursor = duplicate(seenCursor, "params.cursor");
                        cursor = readStringOr(null);
                    }
                    case ARGUMENTS -> skipObject("params.arguments");
                    case META -> {
                        seenMeta = duplicate(seenMeta, "params._meta");
                        readMeta();
                    }
                    default -> scanner.skipValue();
                }
            } while (scanner.nextMember());
        }
        if (!seenName) {
            paramsProblem("params.name is missing");
        }
    }

    /** {@code params._meta}: an object, of which the members on the way to a wanted value are read. */
    private void readMeta() {
        if (scanner.peek() != '{') {
            paramsProblem("params._meta is not an object");
            scanner.skipValue();
            return;
        }
        readMetaObject(metaPaths.root(), "params._meta");
    }

    /** At '{': the members of one object on the way to wanted values (depth bounded by the pointers). */
    private void readMetaObject(MetaPaths.Node node, String where) {
        Set<String> seen = new HashSet<>();
        if (scanner.beginObject()) {
            do {
                String name = scanner.memberText();
                MetaPaths.Node child = node.child(name);
                if (child == null) {
                    scanner.skipValue();
                } else {
                    if (!seen.add(name)) {
                        invalid(JsonRpcErrors.AMBIGUOUS_REQUEST, "duplicate member in " + where);
                    }
                    readMetaValue(child, where);
                }
            } while (scanner.nextMember());
        }
    }

    private void readMetaValue(MetaPaths.Node node, String where) {
        int first = scanner.peek();
        JsonPointer ends = node.ends();
        if (first == '"' && ends != null) {
            meta.put(ends.text(), scanner.readString());
        } else if (first == '{' && node.hasChildren()) {
            readMetaObject(node, where);
        } else {
            scanner.skipValue();
            if (JsonRpcSniffer.PROTOCOL_VERSION.equals(ends)) {
                invalid(null, "the protocol version in params._meta is not a string");
            }
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
