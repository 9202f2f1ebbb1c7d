package dev.turnstile.bench;

import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An MCP-like JSON-RPC endpoint: reads the whole body, answers every {@code tools/call} with a
 * text result echoing the request id, and a {@code tools/list} with {@link EchoAnswers#TOOLS}
 * (tools that carry {@code readOnlyHint}). A tool takes no time unless the request carries
 * {@link #TOOL_TIME_HEADER} (milliseconds slept on the request thread, like a tool that waits for
 * I/O). The answer is a JSON body, or one SSE event written as the MCP Java SDK writes it, as the
 * request's {@link Answer} headers ask. Counts the requests it got through an ASYNC dispatch (a
 * filter that waited without a thread and resumed the request), and those that Turnstile's filter
 * ran as reads and as writes (its {@link TurnstileAttributes#MODE} attribute).
 */
final class EchoServlet extends HttpServlet {

    static final String TOOL_TIME_HEADER = "X-Bench-Tool-Ms";

    private static final long serialVersionUID = 1L;
    private static final byte[] TOOLS_LIST = "\"method\":\"tools/list\"".getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong asyncDispatched = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            asyncDispatched.incrementAndGet();
        }
        countMode(request.getAttribute(TurnstileAttributes.MODE));
        byte[] body = request.getInputStream().readAllBytes();
        byte[] id = id(body);
        work(request.getHeader(TOOL_TIME_HEADER));
        Answer answer = Answer.of(request);
        byte[] tail =
                EchoAnswers.contains(body, TOOLS_LIST) ? EchoAnswers.TOOLS : EchoAnswers.tail(answer.resultBytes());
        if (answer.sse()) {
            sse(request, response, id, tail);
        } else {
            response.setContentType("application/json");
            response.setContentLength(EchoAnswers.HEAD.length + id.length + tail.length);
            var out = response.getOutputStream();
            out.write(EchoAnswers.HEAD);
            out.write(id);
            out.write(tail);
        }
    }

    /**
     * One SSE event, as the MCP Java SDK's Streamable HTTP transport writes an answer: the request goes
     * async, the event's id, name and data lines go through the response's writer, which is flushed,
     * and the async request completes.
     */
    private static void sse(HttpServletRequest request, HttpServletResponse response, byte[] id, byte[] tail)
            throws IOException {
        AsyncContext async = request.startAsync();
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        PrintWriter writer = response.getWriter();
        String rawId = new String(id, StandardCharsets.UTF_8);
        writer.write("id: " + rawId + "\n");
        writer.write("event: message\n");
        writer.write("data: " + EchoAnswers.message(id, tail) + "\n\n");
        writer.flush();
        async.complete();
    }

    private void countMode(Object mode) {
        if ("read".equals(mode)) {
            reads.incrementAndGet();
        } else if ("write".equals(mode)) {
            writes.incrementAndGet();
        }
    }

    /** Requests that reached the servlet through an ASYNC dispatch so far. */
    long asyncDispatched() {
        return asyncDispatched.get();
    }

    /** Requests that Turnstile's filter ran as reads so far. */
    long reads() {
        return reads.get();
    }

    /** Requests that Turnstile's filter ran as writes so far. */
    long writes() {
        return writes.get();
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
