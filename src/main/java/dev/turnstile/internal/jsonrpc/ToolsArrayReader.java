package dev.turnstile.internal.jsonrpc;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The {@code result.tools} array of one {@code tools/list} page, for {@link ToolsListReader}. */
final class ToolsArrayReader {

    static final String PREFIX = "malformed tools/list result: ";

    private final JsonScanner scanner;

    // the tool being read
    private String name;
    private boolean seenAnnotations;
    private Boolean hint;

    ToolsArrayReader(JsonScanner scanner) {
        this.scanner = scanner;
    }

    /** At the value of {@code result.tools}: the read-only hints by tool name. */
    Map<String, Boolean> read() {
        if (scanner.peek() != '[') {
            throw malformed("result.tools is not an array");
        }
        Map<String, Boolean> hints = new HashMap<>();
        Set<String> names = new HashSet<>();
        if (scanner.beginArray()) {
            do {
                readTool(names, hints);
            } while (scanner.nextElement());
        }
        return hints;
    }

    private void readTool(Set<String> names, Map<String, Boolean> hints) {
        if (scanner.peek() != '{') {
            throw malformed("a tool is not an object");
        }
        name = null;
        seenAnnotations = false;
        hint = null;
        if (scanner.beginObject()) {
            do {
                readToolMember(scanner.memberName());
            } while (scanner.nextMember());
        }
        if (name == null) {
            throw malformed("a tool has no name");
        }
        if (!names.add(name)) {
            throw malformed("two tools are named alike");
        }
        if (hint != null) {
            hints.put(name, hint);
        }
    }

    private void readToolMember(MemberName member) {
        switch (member) {
            case NAME -> name = readName(name);
            case ANNOTATIONS -> {
                seenAnnotations = once(seenAnnotations, "annotations");
                hint = readAnnotations();
            }
            default -> scanner.skipValue();
        }
    }

    /** At the value of a tool's {@code name}; {@code previous} is the name already read, if any. */
    private String readName(String previous) {
        once(previous != null, "name");
        String text = scanner.peek() == '"' ? scanner.readString() : null;
        if (text == null || text.isEmpty()) {
            throw malformed("a tool's name is not a non-empty string");
        }
        return text;
    }

    /** At the value of {@code annotations}: its {@code readOnlyHint}, or null when it has none. */
    private Boolean readAnnotations() {
        if (scanner.peek() != '{') {
            throw malformed("annotations is not an object");
        }
        boolean seenHint = false;
        Boolean value = null;
        if (scanner.beginObject()) {
            do {
                if (scanner.memberName() == MemberName.READ_ONLY_HINT) {
                    seenHint = once(seenHint, "annotations.readOnlyHint");
                    value = readBoolean();
                } else {
                    scanner.skipValue();
                }
            } while (scanner.nextMember());
        }
        return value;
    }

    private boolean readBoolean() {
        int first = scanner.peek();
        if (first != 't' && first != 'f') {
            throw malformed("readOnlyHint is not a boolean");
        }
        scanner.skipValue(); // validates the literal
        return first == 't';
    }

    /** Fails when the member was seen before; returns true (now seen). */
    boolean once(boolean seen, String member) {
        if (seen) {
            throw malformed("duplicate '" + member + "' member");
        }
        return true;
    }

    MalformedToolsListException malformed(String what) {
        return new MalformedToolsListException(PREFIX + what + " at offset " + scanner.position());
    }
}
