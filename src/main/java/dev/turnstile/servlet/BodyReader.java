package dev.turnstile.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a request body once, never more than the limit. */
final class BodyReader {

    /** The body's bytes; {@code length} of them are valid. */
    record Body(byte[] bytes, int length) {}

    /** Thrown when the body is longer than the limit (by its Content-Length or as read). */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super(null, null, false, false);
        }
    }

    private BodyReader() {}

    static Body read(HttpServletRequest request, long limit) throws IOException, TooLarge {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw new TooLarge();
        }
        int capacity = (int) Math.min(limit + 1, declared >= 0 ? declared + 1 : 8192);
        byte[] buffer = new byte[Math.max(capacity, 16)];
        int length = 0;
        try (InputStream in = request.getInputStream()) {
            while (true) {
                if (length == buffer.length) {
                    if (length > limit) {
                        throw new TooLarge();
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, limit + 1));
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
                if (length > limit) {
                    throw new TooLarge();
                }
            }
        }
        return new Body(buffer, length);
    }
}
