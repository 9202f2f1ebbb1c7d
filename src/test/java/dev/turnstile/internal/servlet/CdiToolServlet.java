package dev.turnstile.internal.servlet;

import dev.turnstile.cdi.GuardedBusyException;
import dev.turnstile.cdi.LockUpgradeException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal JSON-RPC tool endpoint whose handlers are {@code @Guarded} CDI beans. Tools:
 * {@code bean_refund}, {@code bean_note} (writes), {@code bean_balance}, {@code bean_look} (reads),
 * all bypassed by the filter so that the interceptor takes their places; {@code write_then_look}
 * and {@code get_then_fix}, guarded by the filter, whose handlers call a {@code @Guarded} method.
 */
public class CdiToolServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([a-z_]+)\"");
    private static final Pattern GATE = Pattern.compile("\"gate\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"");

    @Inject
    CdiTools.Ledger ledger;

    @Inject
    CdiTools.Audit audit;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String body = req.getReader().lines().reduce("", String::concat);
        String tool = find(NAME, body);
        String gate = find(GATE, body);
        String session = req.getHeader("Mcp-Session-Id");
        String turn = req.getHeader("X-Mcp-Turn-Id");
        String text;
        try {
            text = switch (String.valueOf(tool)) {
                case "bean_refund" -> ledger.refund(session, turn, gate);
                case "bean_note" -> audit.note(session, turn, gate);
                case "bean_balance" -> ledger.balance(session, turn, gate);
                case "bean_look" -> audit.look(session, turn, gate);
                case "write_then_look" -> "reentered:" + audit.look(session, turn, gate);
                case "get_then_fix" -> ledger.fix();
                default -> "unknown";
            };
        } catch (LockUpgradeException e) {
            text = "upgrade refused: " + e.getMessage();
        } catch (GuardedBusyException e) {
            resp.setContentType("application/json");
            resp.getOutputStream().write(e.jsonRpcError().toJson("1"));
            return;
        }
        resp.setContentType("application/json");
        resp.getWriter()
                .write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"text\":\"" + text.replace("\"", "'") + "\"}}");
    }

    private static String find(Pattern p, String body) {
        Matcher m = p.matcher(body);
        return m.find() ? m.group(1) : null;
    }
}
