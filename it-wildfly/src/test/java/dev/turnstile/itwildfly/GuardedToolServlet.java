package dev.turnstile.itwildfly;

import dev.turnstile.cdi.GuardedBusyException;
import dev.turnstile.cdi.LockUpgradeException;
import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A synchronous JSON-RPC tool endpoint of the {@link InterceptorOnWildFlyIT} deployment, behind the
 * filter. Its handlers run on the request thread and call {@code @Guarded} beans:
 * <ul>
 *   <li>{@code bean_refund}, {@code bean_note} (writes) and {@code bean_balance}, {@code bean_look}
 *       (reads): bypassed by the filter ({@code WEB-INF/turnstile.json}), so only the interceptor
 *       takes their places;
 *   <li>{@code write_then_look} (guarded by the filter as a write) calls {@link AuditTools#look};
 *   <li>{@code get_then_fix} (guarded by the filter as a read) calls {@link LedgerTools#fix}.
 * </ul>
 * A call's {@code arguments.gate} makes the bean method wait inside its guarded section at that gate.
 * Answers {@code result: {tool, text, mode}}, {@code mode} being the filter's
 * {@link TurnstileAttributes#MODE} (null when it bypassed the call).
 *
 * <p>Test-side controls (GETs pass the filter unguarded): {@code GET /mcp/await?gate=G} waits until
 * a call is inside at G (200, else 504); {@code GET /mcp/entered?gate=G} answers true or false;
 * {@code GET /mcp/open?gate=G} lets it go on.
 */
public class GuardedToolServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern TOOL = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern GATE = Pattern.compile("\"gate\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(-?\\d+|\"[^\"]*\")");

    @Inject
    transient LedgerTools ledger;

    @Inject
    transient AuditTools audit;

    @Inject
    transient Gates gates;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String tool = first(TOOL, body);
        String gate = first(GATE, body);
        String id = first(ID, body);
        String text;
        try {
            text = switch (String.valueOf(tool)) {
                case "bean_refund" -> ledger.refund(gate);
                case "bean_note" -> audit.note(gate);
                case "bean_balance" -> ledger.balance(gate);
                case "bean_look" -> audit.look(gate);
                case "write_then_look" -> "reentered:" + audit.look(gate);
                case "get_then_fix" -> ledger.fix();
                default -> "unknown tool " + tool;
            };
        } catch (LockUpgradeException e) {
            text = "upgrade refused: " + e.getMessage();
        } catch (GuardedBusyException e) {
            resp.setContentType("application/json");
            resp.getOutputStream().write(e.jsonRpcError().toJson(id == null ? "null" : id));
            return;
        }
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter()
                .write("{\"jsonrpc\":\"2.0\",\"id\":" + (id == null ? "null" : id) + ",\"result\":{\"tool\":"
                        + quoted(tool) + ",\"text\":" + quoted(text) + ",\"mode\":"
                        + quoted(req.getAttribute(TurnstileAttributes.MODE)) + "}}");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String action = req.getPathInfo() == null ? "" : req.getPathInfo();
        String gate = req.getParameter("gate");
        if (gate == null) {
            resp.sendError(400, "no gate");
            return;
        }
        resp.setContentType("text/plain");
        switch (action) {
            case "/await" -> {
                boolean arrived;
                try {
                    arrived = gates.awaitEntered(gate);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    arrived = false;
                }
                resp.setStatus(arrived ? 200 : 504);
                resp.getWriter().write(arrived ? "entered" : "not entered");
            }
            case "/entered" -> resp.getWriter().write(Boolean.toString(gates.hasEntered(gate)));
            case "/open" -> {
                gates.open(gate);
                resp.getWriter().write("opened");
            }
            default -> resp.sendError(404);
        }
    }

    private static String quoted(Object value) {
        return value == null
                ? "null"
                : "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String first(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? m.group(1) : null;
    }
}
