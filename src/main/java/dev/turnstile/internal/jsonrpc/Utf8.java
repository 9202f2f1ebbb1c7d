package dev.turnstile.internal.jsonrpc;

/** Strict UTF-8 (Unicode table 3-7): no overlongs, no encoded surrogates, nothing above U+10FFFF. */
final class Utf8 {

    private Utf8() {}

    /**
     * The length of the well-formed multi-byte sequence that starts at {@code at}, or -1 when it is
     * ill-formed or runs past {@code end}. The lead byte must be 0x80 or above.
     */
    static int sequenceLength(byte[] buf, int at, int end) {
        int lead = buf[at] & 0xFF;
        int length;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            low = lead == 0xE0 ? 0xA0 : low; // E0 80..9F would be overlong
            high = lead == 0xED ? 0x9F : high; // ED A0..BF would be a surrogate
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            low = lead == 0xF0 ? 0x90 : low; // F0 80..8F would be overlong
            high = lead == 0xF4 ? 0x8F : high; // F4 90.. would be above U+10FFFF
        } else {
            return -1; // continuation byte, C0, C1 or F5..FF
        }
        if (at + length > end) {
            return -1;
        }
        int second = buf[at + 1] & 0xFF;
        if (second < low || second > high) {
            return -1;
        }
        for (int i = 2; i < length; i++) {
            int next = buf[at + i] & 0xFF;
            if (next < 0x80 || next > 0xBF) {
                return -1;
            }
        }
        return length;
    }

    /** Writes the code point (not a surrogate) as UTF-8 at {@code at}; returns the index after it. */
    static int encode(int codePoint, byte[] out, int at) {
        if (codePoint < 0x80) {
            out[at] = (byte) codePoint;
            return at + 1;
        }
        if (codePoint < 0x800) {
            out[at] = (byte) (0xC0 | codePoint >> 6);
            out[at + 1] = (byte) (0x80 | codePoint & 0x3F);
            return at + 2;
        }
        if (codePoint < 0x10000) {
            out[at] = (byte) (0xE0 | codePoint >> 12);
            out[at + 1] = (byte) (0x80 | codePoint >> 6 & 0x3F);
            out[at + 2] = (byte) (0x80 | codePoint & 0x3F);
            return at + 3;
        }
        out[at] = (byte) (0xF0 | codePoint >> 18);
        out[at + 1] = (byte) (0x80 | codePoint >> 12 & 0x3F);
        out[at + 2] = (byte) (0x80 | codePoint >> 6 & 0x3F);
        out[at + 3] = (byte) (0x80 | codePoint & 0x3F);
        return at + 4;
    }
}
