package dev.turnstile.internal.jsonrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the {@code tools/list} pages out of a server's JSON-RPC answer, strictly (RFC 8259, strict
 * UTF-8, no byte order mark, bounded nesting, no recursion), so that what is learned is what every
 * client reads. The body is one message object or an array of them (a batch response). A message
 * yields a {@link ToolsListPage} when it has {@code "jsonrpc":"2.0"} (the official SDKs refuse a
 * message without it), a {@code result} object with a {@code tools} member, an {@code id} that is a
 * string, a number or null, and neither a {@code method} nor an {@code error} member; every other
 * message, and every batch element that is not an object, is skipped.
 *
 * <p>Thrown as {@link MalformedToolsListException}, for the whole body: invalid JSON; a duplicate
 * {@code jsonrpc}, {@code id}, {@code result}, {@code result.tools} or {@code result.nextCursor} member; in a tool a
 * duplicate {@code name}, {@code annotations} or {@code annotations.readOnlyHint}; two tools of one
 * page with the same name; {@code result.tools} that is not an array; a tool that is not an object
 * or whose {@code name} is missing or not a non-empty string; {@code annotations} that is not an
 * object; a {@code readOnlyHint} that is not a boolean. JSON {@code null} counts as the wrong type.
 * These rules apply to every message of the body, also to one that is then skipped.
 */
public final class ToolsListReader {

    /** The only {@code jsonrpc} value of a message that is learned from. */
    static final String VERSION = "2.0";

    private final JsonScanner scanner;
    private final ToolsArrayReader tools;
    private final List<ToolsListPage> pages = new ArrayList<>();

    private ToolsListReader(JsonScanner scanner) {
        this.scanner = scanner;
        this.tools = new ToolsArrayReader(scanner);
    }

    /**
     * Parses {@code body[offset, offset + length)}.
     *
     * @param body     the bytes of a JSON response body, or the data of one SSE event
     * @param offset   where the body starts in {@code body}
     * @param length   how many bytes it has
     * @param maxDepth the most containers that may be open at once, at least 1
     * @return the pages, in body order; empty when no message is a successful {@code tools/list} page
     * @throws MalformedToolsListException when the body is malformed (see the class description)
     */
    public static List<ToolsListPage> read(byte[] body, int offset, int length, int maxDepth) {
        Objects.requireNonNull(body, "body");
        Objects.checkFromIndexSize(offset, length, body.length);
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1, was " + maxDepth);
        }
        try {
            return new ToolsListReader(new JsonScanner(body, offset, length, maxDepth)).readBody();
        } catch (JsonRpcException e) {
            throw new MalformedToolsListException(ToolsArrayReader.PREFIX + e.getMessage());
        }
    }

    private List<ToolsListPage> readBody() {
        if (scanner.startsWithByteOrderMark()) {
            throw JsonTokens.parseError(null, "a byte order mark is not allowed", scanner.position());
        }
        scanner.skipWhitespace();
        if (scanner.atEnd()) {
            throw JsonTokens.parseError(null, "empty body", scanner.position());
        }
        if (scanner.peek() != '[') {
            readElement();
        } else if (scanner.beginArray()) {
            do {
                readElement();
            } while (scanner.nextElement());
        }
        scanner.expectEnd();
        return List.copyOf(pages);
    }

    private void readElement() {
        if (scanner.peek() == '{') {
            readMessage();
        } else {
            scanner.skipValue();
        }
    }

    private void readMessage() {
        Message message = new Message();
        if (scanner.beginObject()) {
            do {
                readMember(message, scanner.memberName());
            } while (scanner.nextMember());
        }
        if (message.version && message.id != null && message.hints != null && !message.notSuccess) {
            pages.add(new ToolsListPage(message.id, message.hints, message.nextCursor));
        }
    }

    private void readMember(Message message, MemberName name) {
        switch (name) {
            case JSONRPC -> {
                message.seenVersion = tools.once(message.seenVersion, "jsonrpc");
                message.version = VERSION.equals(readStringOrNull());
            }
            case ID -> {
                message.seenId = tools.once(message.seenId, "id");
                message.id = readId();
            }
            case RESULT -> {
                message.seenResult = tools.once(message.seenResult, "result");
                readResult(message);
            }
            case METHOD, ERROR -> {
                message.notSuccess = true;
                scanner.skipValue();
            }
            default -> scanner.skipValue();
        }
    }

    /** The canonical id, or null when the id is not a string, a number or null (no request has it). */
    private String readId() {
        int first = scanner.peek();
        int start = scanner.position();
        scanner.skipValue();
        boolean scalar = first == '"' || first == 'n' || first == '-' || first >= '0' && first <= '9';
        return scalar ? JsonRpcIds.canonicalId(scanner.text(start)) : null;
    }

    /** {@code result.tools} and {@code result.nextCursor}, when the result is an object. */
    private void readResult(Message message) {
        if (scanner.peek() != '{') {
            scanner.skipValue();
            return;
        }
        boolean seenTools = false;
        boolean seenCursor = false;
        if (scanner.beginObject()) {
            do {
                switch (scanner.memberName()) {
                    case TOOLS -> {
                        seenTools = tools.once(seenTools, "result.tools");
                        message.hints = tools.read();
                    }
                    case NEXT_CURSOR -> {
                        seenCursor = tools.once(seenCursor, "result.nextCursor");
                        message.nextCursor = readStringOrNull();
                    }
                    default -> scanner.skipValue();
                }
            } while (scanner.nextMember());
        }
    }

    private String readStringOrNull() {
        if (scanner.peek() == '"') {
            return scanner.readString();
        }
        scanner.skipValue();
        return null;
    }

    /** What one message object held. */
    private static final class Message {
        boolean seenVersion;
        boolean version;
        boolean seenId;
        boolean seenResult;
        boolean notSuccess;
        String id;
        Map<String, Boolean> hints;
        String nextCursor;
    }
}
