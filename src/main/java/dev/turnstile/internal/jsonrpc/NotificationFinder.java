package dev.turnstile.internal.jsonrpc;

/**
 * Looks for a notification with one method in one JSON-RPC message or batch, strictly, for
 * {@link ServerMessages}. One instance per body.
 */
final class NotificationFinder {

    private final JsonScanner scanner;
    private final String method;

    NotificationFinder(JsonScanner scanner, String method) {
        this.scanner = scanner;
        this.method = method;
    }

    /** Whether some message is such a notification; throws {@link JsonRpcException} on invalid JSON. */
    boolean find() {
        if (scanner.startsWithByteOrderMark()) {
            throw JsonTokens.parseError(null, "a byte order mark is not allowed", 0);
        }
        scanner.skipWhitespace();
        boolean found = false;
        if (scanner.peek() != '[') {
            found = element();
        } else if (scanner.beginArray()) {
            do {
                found |= element();
            } while (scanner.nextElement());
        }
        scanner.expectEnd();
        return found;
    }

    private boolean element() {
        if (scanner.peek() != '{') {
            scanner.skipValue();
            return false;
        }
        boolean matches = false;
        boolean hasId = false;
        if (scanner.beginObject()) {
            do {
                switch (scanner.memberName()) {
                    case METHOD -> matches |= scanner.peek() == '"' ? method.equals(scanner.readString()) : skip();
                    case ID -> hasId = !skip();
                    default -> scanner.skipValue();
                }
            } while (scanner.nextMember());
        }
        return matches && !hasId;
    }

    /** Skips the value at the cursor; returns false. */
    private boolean skip() {
        scanner.skipValue();
        return false;
    }
}
