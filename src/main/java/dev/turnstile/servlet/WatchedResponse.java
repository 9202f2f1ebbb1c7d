package dev.turnstile.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The server's response, passed on byte for byte and flush for flush, with a copy of what it writes
 * handed to a {@link ResponseWatch} (characters written through {@link #getWriter()} are copied as
 * the response's charset encodes them). It is also an {@code AsyncListener}: the end of an
 * asynchronous request ends the watch.
 */
final class WatchedResponse extends HttpServletResponseWrapper implements AsyncListener {

    private final ResponseWatch watch;
    private ServletOutputStream stream;
    private PrintWriter writer;

    WatchedResponse(HttpServletResponse response, ResponseWatch watch) {
        super(response);
        this.watch = watch;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new TeeStream(super.getOutputStream(), watch);
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new TeeWriter(super.getWriter(), watch, charset(getCharacterEncoding()));
        }
        return writer;
    }

    /** The response is complete (the server's pass ended without going async, or the async request ended). */
    void ended() {
        watch.ended();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        ended();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        ended();
    }

    @Override
    public void onError(AsyncEvent event) {
        ended();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this);
    }

    private static Charset charset(String name) {
        try {
            return name == null ? StandardCharsets.ISO_8859_1 : Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** Passes every byte on, then copies it. */
    private static final class TeeStream extends ServletOutputStream {
        private final ServletOutputStream out;
        private final ResponseWatch watch;

        TeeStream(ServletOutputStream out, ResponseWatch watch) {
            this.out = out;
            this.watch = watch;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            if (!watch.done()) {
                watch.wrote(new byte[] {(byte) b}, 0, 1);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            if (!watch.done()) {
                watch.wrote(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }

    /**
     * Passes every character on to the container's writer, then copies it, encoded: ASCII characters
     * byte for byte through a reused buffer (no allocation per write), others through the charset.
     */
    private static final class TeeWriter extends PrintWriter {
        private final ResponseWatch watch;
        private final Charset charset;
        private final boolean asciiCompatible;
        private final byte[] chunk = new byte[4096];

        TeeWriter(PrintWriter out, ResponseWatch watch, Charset charset) {
            super(out, false);
            this.watch = watch;
            this.charset = charset;
            this.asciiCompatible = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.ISO_8859_1)
                    || charset.equals(StandardCharsets.US_ASCII);
        }

        @Override
        public void write(int c) {
            super.write(c);
            copy(String.valueOf((char) c), 0, 1);
        }

        @Override
        public void write(char[] buf, int off, int len) {
            super.write(buf, off, len);
            copy(java.nio.CharBuffer.wrap(buf), off, len);
        }

        @Override
        public void write(String s, int off, int len) {
            super.write(s, off, len);
            copy(s, off, len);
        }

        @Override
        public void println() {
            write(System.lineSeparator()); // PrintWriter writes the separator past write(String)
        }

        private void copy(CharSequence text, int off, int len) {
            if (watch.done()) {
                return;
            }
            if (!asciiCompatible) {
                byte[] bytes = text.subSequence(off, off + len).toString().getBytes(charset);
                watch.wrote(bytes, 0, bytes.length);
                return;
            }
            int n = 0;
            for (int i = off; i < off + len; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    chunk[n++] = (byte) c;
                    if (n == chunk.length) {
                        watch.wrote(chunk, 0, n);
                        n = 0;
                    }
                    continue;
                }
                watch.wrote(chunk, 0, n);
                n = 0;
                int end = Character.isHighSurrogate(c) && i + 1 < off + len ? i + 2 : i + 1;
                byte[] bytes = text.subSequence(i, end).toString().getBytes(charset);
                watch.wrote(bytes, 0, bytes.length);
                i = end - 1;
            }
            watch.wrote(chunk, 0, n);
        }
    }
}
