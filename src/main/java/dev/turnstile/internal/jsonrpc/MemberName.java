package dev.turnstile.internal.jsonrpc;

import java.nio.charset.StandardCharsets;

/** The member names the readers look for, matched on decoded names without allocating for plain ones. */
enum MemberName {
    METHOD("method"),
    ID("id"),
    PARAMS("params"),
    RESULT("result"),
    ERROR("error"),
    NAME("name"),
    ARGUMENTS("arguments"),
    META("_meta"),
    URI("uri"),
    TASK_ID("taskId"),
    CURSOR("cursor"),
    JSONRPC("jsonrpc"),
    TOOLS("tools"),
    NEXT_CURSOR("nextCursor"),
    ANNOTATIONS("annotations"),
    READ_ONLY_HINT("readOnlyHint"),
    OTHER("");

    private static final MemberName[] KNOWN = {
        METHOD,
        ID,
        PARAMS,
        RESULT,
        ERROR,
        NAME,
        ARGUMENTS,
        META,
        URI,
        TASK_ID,
        JSONRPC,
        TOOLS,
        NEXT_CURSOR,
        ANNOTATIONS,
        READ_ONLY_HINT,
        CURSOR
    };

    private final String text;
    private final byte[] ascii;

    MemberName(String text) {
        this.text = text;
        this.ascii = text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Matches the raw bytes of a name that contains no escape sequence. */
    static MemberName of(byte[] buf, int from, int to) {
        int length = to - from;
        for (MemberName candidate : KNOWN) {
            byte[] expected = candidate.ascii;
            if (expected.length == length && equalBytes(buf, from, expected)) {
                return candidate;
            }
        }
        return OTHER;
    }

    /** Matches a name that contained escape sequences, after decoding. */
    static MemberName of(String decoded) {
        for (MemberName candidate : KNOWN) {
            if (candidate.text.equals(decoded)) {
                return candidate;
            }
        }
        return OTHER;
    }

    private static boolean equalBytes(byte[] buf, int from, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (buf[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
