package dev.turnstile.itwildfly;

import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for an asynchronous MCP server inside the WildFly deployment, behind the filter.
 *
 * <p>Every POST goes async ({@code startAsync()}) and answers a JSON-RPC result with the tool name
 * and the {@link TurnstileAttributes#MODE} attribute the filter set. A call of the tool
 * {@value #HOLD_TOOL} is parked: {@code doPost} returns with the request still open, and only a
 * later {@code GET .../release?gate=G} writes its answer and completes it, from another request's
 * thread. So the filter has long left {@code chain.doFilter} while the call still runs, and its
 * permit must be released by the async listener on completion.
 *
 * <p>Test-side controls (GETs pass the filter unguarded):
 * {@code GET /mcp/await?gate=G} waits until call G is parked; {@code GET /mcp/release?gate=G}
 * completes it; {@code GET /mcp/forwarded?contains=X} says whether any forwarded body contained X.
 *
 * <p>The bodies are the tests' own, so a few regular expressions stand in for a JSON parser.
 */
public class HoldingServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String HOLD_TOOL = "hold";
    private static final long ASYNC_TIMEOUT_MS = 60_000;
    private static final Pattern TOOL = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern GATE = Pattern.compile("\"gate\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(-?\\d+|\"[^\"]*\")");

    private record Parked(AsyncContext ctx, String answer) {}

    private final transient Map<String, Parked> parked = new ConcurrentHashMap<>();
    private final transient Map<String, CountDownLatch> arrivals = new ConcurrentHashMap<>();
    private final transient List<String> forwarded = new CopyOnWriteArrayList<>();

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AsyncContext ctx = req.startAsync();
        ctx.setTimeout(ASYNC_TIMEOUT_MS);
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        forwarded.add(body);
        String tool = first(TOOL, body);
        String answer =
                answer(first(ID, body), tool, req.getAttribute(TurnstileAttributes.MODE), req.getDispatcherType());
        String gate = first(GATE, body);
        if (HOLD_TOOL.equals(tool) && gate != null) {
            parked.put(gate, new Parked(ctx, answer));
            arrival(gate).countDown();
            return; // the request stays open after the servlet (and the filter) returned
        }
        ctx.start(() -> complete(ctx, answer)); // answered from a container thread, not this one
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String action = req.getPathInfo() == null ? "" : req.getPathInfo();
        String gate = req.getParameter("gate");
        resp.setContentType("text/plain");
        switch (action) {
            case "/await" -> {
                boolean arrived;
                try {
                    arrived = arrival(gate).await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    arrived = false;
                }
                resp.setStatus(arrived ? 200 : 504);
                resp.getWriter().write(arrived ? "parked" : "not parked");
            }
            case "/release" -> {
                Parked p = gate == null ? null : parked.remove(gate);
                if (p == null) {
                    resp.sendError(404, "no parked call " + gate);
                    return;
                }
                complete(p.ctx(), p.answer());
                resp.getWriter().write("released");
            }
            case "/forwarded" -> {
                String part = req.getParameter("contains");
                resp.getWriter()
                        .write(Boolean.toString(
                                part != null && forwarded.stream().anyMatch(b -> b.contains(part))));
            }
            default -> resp.sendError(404);
        }
    }

    @Override
    public void destroy() {
        parked.values().forEach(p -> p.ctx().complete()); // never leave a request open at undeploy
        parked.clear();
    }

    private CountDownLatch arrival(String gate) {
        return arrivals.computeIfAbsent(String.valueOf(gate), g -> new CountDownLatch(1));
    }

    private static void complete(AsyncContext ctx, String answer) {
        try {
            HttpServletResponse response = (HttpServletResponse) ctx.getResponse();
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write(answer);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            ctx.complete();
        }
    }

    private static String answer(String id, String tool, Object mode, Object dispatcher) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + (id == null ? "null" : id) + ",\"result\":{\"tool\":" + quoted(tool)
                + ",\"mode\":" + quoted(mode) + ",\"dispatcher\":" + quoted(dispatcher) + "}}";
    }

    private static String quoted(Object value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    private static String first(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? m.group(1) : null;
    }
}
