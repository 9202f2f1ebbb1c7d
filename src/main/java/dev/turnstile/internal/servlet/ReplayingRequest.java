package dev.turnstile.internal.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.function.Consumer;

/**
 * Gives the server the body the filter already read, through {@link #getInputStream()} (also
 * non-blocking, with a {@link ReadListener}) or {@link #getReader()}, and tells the filter when
 * the server goes async.
 */
final class ReplayingRequest extends HttpServletRequestWrapper {

    private final byte[] body;
    private final int length;
    private final ServletResponse response;
    private final Consumer<AsyncContext> onAsync;
    private ServletInputStream stream;
    private BufferedReader reader;
    private Runnable onFirstRead = () -> {};

    /** @param onAsync told of every async cycle the server starts through this wrapper */
    ReplayingRequest(
            HttpServletRequest request,
            ServletResponse response,
            BodyReader.Body body,
            Consumer<AsyncContext> onAsync) {
        super(request);
        this.body = body.bytes();
        this.length = body.length();
        this.response = response;
        this.onAsync = onAsync;
    }

    /** Told (once) when the server first asks for the body, by stream or reader. */
    ReplayingRequest onFirstRead(Runnable action) {
        this.onFirstRead = action;
        return this;
    }

    @Override
    public ServletInputStream getInputStream() {
        if (stream == null && reader == null) {
            onFirstRead.run();
        }
        if (reader != null) {
            throw new IllegalStateException("getReader() was already called");
        }
        if (stream == null) {
            stream = new BodyStream(new ByteArrayInputStream(body, 0, length));
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() {
        if (stream == null && reader == null) {
            onFirstRead.run();
        }
        if (stream != null) {
            throw new IllegalStateException("getInputStream() was already called");
        }
        if (reader == null) {
            reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body, 0, length), charset()));
        }
        return reader;
    }

    @Override
    public int getContentLength() {
        return length;
    }

    @Override
    public long getContentLengthLong() {
        return length;
    }

    @Override
    public AsyncContext startAsync() {
        return startAsync(this, response);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse servletResponse) {
        AsyncContext context = super.startAsync(request, servletResponse);
        onAsync.accept(context);
        return context;
    }

    private Charset charset() {
        String name = getCharacterEncoding();
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** The replayed body: always ready; a read listener is told at once that all data is there. */
    private static final class BodyStream extends ServletInputStream {
        private final ByteArrayInputStream in;

        BodyStream(ByteArrayInputStream in) {
            this.in = in;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public int available() {
            return in.available();
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                if (!isFinished()) {
                    listener.onDataAvailable();
                }
                listener.onAllDataRead();
            } catch (IOException | RuntimeException e) {
                listener.onError(e);
            }
        }
    }
}
