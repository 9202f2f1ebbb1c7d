package dev.turnstile.internal.servlet;

import dev.turnstile.Mode;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A tool server for the waiting tests: records what each call sees (how it was dispatched, the body
 * as read through the filter's wrapper, the request attributes) and runs it as a guarded section
 * of {@link ToolProbe} (the mode from the filter's attribute). Query parameters: {@code read}
 * ({@code stream}, the default; {@code reader}; {@code listener}: async, non-blocking) and
 * {@code gate} (held at that gate, see {@link ToolProbe}).
 */
public class WaitProbeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** What one call saw. Attribute values: strings, numbers, booleans; a {@code leaseLost} supplier as its value. */
    public record Seen(String turn, DispatcherType dispatcher, String body, Map<String, Object> attributes) {}

    public static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if ("listener".equals(req.getParameter("read"))) {
            readWithListener(req, resp);
            return;
        }
        String body = "reader".equals(req.getParameter("read"))
                ? req.getReader().lines().reduce("", (a, b) -> a.isEmpty() ? b : a + "\n" + b)
                : new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        serve(req, resp, body);
    }

    private static void readWithListener(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AsyncContext async = req.startAsync();
        ServletInputStream in = req.getInputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DispatcherType dispatcher = req.getDispatcherType();
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
                try {
                    serve(req, resp, body.toString(StandardCharsets.UTF_8), dispatcher);
                } finally {
                    async.complete();
                }
            }

            @Override
            public void onError(Throwable t) {
                async.complete();
            }
        });
    }

    private static void serve(HttpServletRequest req, HttpServletResponse resp, String body) throws IOException {
        serve(req, resp, body, req.getDispatcherType());
    }

    private static void serve(HttpServletRequest req, HttpServletResponse resp, String body, DispatcherType dispatcher)
            throws IOException {
        String turn = req.getHeader("X-Mcp-Turn-Id");
        SEEN.add(new Seen(turn, dispatcher, body, attributes(req)));
        Object mode = req.getAttribute(TurnstileAttributes.MODE);
        try {
            ToolProbe.run(
                    req.getHeader("Mcp-Session-Id"),
                    turn,
                    "read".equals(mode) ? Mode.READ : Mode.WRITE,
                    req.getParameter("gate"),
                    0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resp.setContentType("application/json");
        resp.getWriter().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"mode\":\"" + mode + "\"}}");
    }

    private static Map<String, Object> attributes(HttpServletRequest req) {
        Map<String, Object> seen = new TreeMap<>();
        for (String name : Collections.list(req.getAttributeNames())) {
            Object value = req.getAttribute(name);
            if (name.startsWith("dev.turnstile.") || name.startsWith("test.")) {
                seen.put(
                        name.substring(name.lastIndexOf('.') + 1),
                        value instanceof BooleanSupplier s
                                ? s.getAsBoolean()
                                : value instanceof String || value instanceof Number || value instanceof Boolean
                                        ? value
                                        : value.getClass().getSimpleName());
            }
        }
        return seen;
    }
}
