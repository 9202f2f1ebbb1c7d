package dev.turnstile.internal.servlet;

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

    /** Passes every character on to the container's writer, then copies it, encoded. */
    private static final class TeeWriter extends PrintWriter {
        private final ResponseWatch watch;
        private final Charset charset;

        TeeWriter(PrintWriter out, ResponseWatch watch, Charset charset) {
            super(out, false);
            this.watch = watch;
            this.charset = charset;
        }

        @Override
        public void write(int c) {
            super.write(c);
            if (!watch.done()) {
                copy(String.valueOf((char) c));
            }
        }

        @Override
        public void write(char[] buf, int off, int len) {
            super.write(buf, off, len);
            if (!watch.done()) {
                copy(new String(buf, off, len));
            }
        }

        @Override
        public void write(String s, int off, int len) {
            super.write(s, off, len);
            if (!watch.done()) {
                copy(s.substring(off, off + len));
            }
        }

        @Override
        public void println() {
            write(System.lineSeparator()); // PrintWriter writes the separator past write(String)
        }

        private void copy(String text) {
            byte[] bytes = text.getBytes(charset);
            watch.wrote(bytes, 0, bytes.length);
        }
    }
}
