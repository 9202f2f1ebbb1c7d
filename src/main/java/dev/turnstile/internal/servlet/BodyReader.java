package dev.turnstile.internal.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a request body once, never more than the limit. The buffer grows as bytes arrive
 * (doubling from {@link #INITIAL_CAPACITY}, never beyond the limit + 1), so a declared
 * {@code Content-Length} costs no memory until its bytes are really sent.
 */
final class BodyReader {

    /** The first buffer's size, whatever length the request declares. */
    static final int INITIAL_CAPACITY = 8 * 1024;

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

    /** @param limit the most bytes accepted, at most {@code Integer.MAX_VALUE - 8} */
    static Body read(HttpServletRequest request, long limit) throws IOException, TooLarge {
        if (request.getContentLengthLong() > limit) {
            throw new TooLarge();
        }
        byte[] buffer = new byte[(int) Math.min(INITIAL_CAPACITY, limit + 1)];
        int length = 0;
        try (InputStream in = request.getInputStream()) {
            while (true) {
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(2L * buffer.length, limit + 1));
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
