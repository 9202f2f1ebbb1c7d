package dev.turnstile.internal.servlet;

import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for an MCP server: records every request the filter forwards and answers 200 with a
 * JSON-RPC result. The query parameter {@code read} chooses how it reads the body: {@code stream}
 * (default, blocking {@code getInputStream()}), {@code reader} ({@code getReader()}) or
 * {@code listener} (async, non-blocking, with a {@link ReadListener}).
 */
public class RecordingServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** What reached the servlet: the body as read through the filter's wrapper, and the mode attribute. */
    public record Forwarded(String body, Object mode) {}

    public static final List<Forwarded> FORWARDED = new CopyOnWriteArrayList<>();

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String how = req.getParameter("read");
        if ("listener".equals(how)) {
            readAsync(req, resp);
            return;
        }
        String body = "reader".equals(how)
                ? req.getReader().lines().reduce("", (a, b) -> a.isEmpty() ? b : a + "\n" + b)
                : new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        record(req, body, resp);
    }

    private void readAsync(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AsyncContext async = req.startAsync();
        ServletInputStream in = req.getInputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        in.setReadListener(new ReadListener() {
            @Override
            public void onDataAvailable() throws IOException {
                byte[] buffer = new byte[1024];
                while (in.isReady() && !in.isFinished()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    body.write(buffer, 0, n);
                }
            }

            @Override
            public void onAllDataRead() throws IOException {
                record(req, body.toString(StandardCharsets.UTF_8), resp);
                async.complete();
            }

            @Override
            public void onError(Throwable t) {
                async.complete();
            }
        });
    }

    private static void record(HttpServletRequest req, String body, HttpServletResponse resp) throws IOException {
        FORWARDED.add(new Forwarded(body, req.getAttribute(TurnstileAttributes.MODE)));
        resp.setContentType("application/json");
        resp.getWriter().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    }
}
