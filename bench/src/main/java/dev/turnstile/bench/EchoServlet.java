package dev.turnstile.bench;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An MCP-like JSON-RPC endpoint: reads the whole body, answers every {@code tools/call} with a
 * text result echoing the request id. A tool takes no time unless the request carries
 * {@link #TOOL_TIME_HEADER} (milliseconds slept on the request thread, like a tool that waits for
 * I/O). Counts the requests it got through an ASYNC dispatch (a filter that waited without a thread
 * and resumed the request).
 */
final class EchoServlet extends HttpServlet {

    static final String TOOL_TIME_HEADER = "X-Bench-Tool-Ms";

    private static final long serialVersionUID = 1L;
    private static final byte[] HEAD = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"isError\":false}}"
            .getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong asyncDispatched = new AtomicLong();

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            asyncDispatched.incrementAndGet();
        }
        byte[] body = request.getInputStream().readAllBytes();
        byte[] id = id(body);
        work(request.getHeader(TOOL_TIME_HEADER));
        response.setContentType("application/json");
        response.setContentLength(HEAD.length + id.length + TAIL.length);
        var out = response.getOutputStream();
        out.write(HEAD);
        out.write(id);
        out.write(TAIL);
    }

    /** Requests that reached the servlet through an ASYNC dispatch so far. */
    long asyncDispatched() {
        return asyncDispatched.get();
    }

    private static void work(String millis) throws IOException {
        if (millis == null) {
            return;
        }
        try {
            Thread.sleep(Long.parseLong(millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("tool interrupted");
        }
    }

    /** The raw id value of a flat request object ("id":<number or string>), or null. */
    private static byte[] id(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int at = text.indexOf("\"id\":");
        if (at < 0) {
            return "null".getBytes(StandardCharsets.US_ASCII);
        }
        int start = at + 5;
        int end = start;
        while (end < text.length() && text.charAt(end) != ',' && text.charAt(end) != '}') {
            end++;
        }
        return text.substring(start, end).trim().getBytes(StandardCharsets.UTF_8);
    }
}
