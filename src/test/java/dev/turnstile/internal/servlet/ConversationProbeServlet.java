package dev.turnstile.internal.servlet;

import dev.turnstile.Permit;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for a server that answers any JSON-RPC request (also of MCP 2026-07-28, which the Java
 * SDK does not serve yet): records what reached it with the place it held, and runs
 * {@link ToolProbe} (stopping at the gate named by the {@code X-Test-Gate} header) while it holds
 * its place.
 */
public class ConversationProbeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** What reached the servlet: the body, the conversation hash (null: unguarded), mode and turn. */
    public record Reached(String body, String sessionHash, String mode, String turn) {}

    public static final List<Reached> REACHED = new CopyOnWriteArrayList<>();

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Permit permit = req.getAttribute(TurnstileAttributes.PERMIT) instanceof Permit p ? p : null;
        String turn = (String) req.getAttribute(TurnstileAttributes.TURN);
        REACHED.add(new Reached(
                body,
                permit == null ? null : permit.sessionHash(),
                (String) req.getAttribute(TurnstileAttributes.MODE),
                turn));
        try {
            if (permit != null) {
                ToolProbe.run(permit.sessionHash(), turn, permit.mode(), req.getHeader("X-Test-Gate"), 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resp.setContentType("application/json");
        resp.getWriter().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    }
}
