package dev.turnstile.internal.servlet;

import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for a server that answers {@code tools/list} in two pages of plain JSON written through
 * {@code getWriter()} ({@code fetch_a} on the first, {@code fetch_b} on the second, both
 * {@code readOnlyHint: true}), answers {@code tools/call} with the mode the filter decided, and
 * takes any other message with 202.
 */
public class ToolsListServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher id = ID.matcher(body);
        String rawId = id.find() ? id.group(1) : "null";
        String result;
        if (body.contains("\"tools/list\"")) {
            result = body.contains("\"cursor\":\"c1\"")
                    ? "{\"tools\":[{\"name\":\"fetch_b\",\"annotations\":{\"readOnlyHint\":true}}]}"
                    : "{\"tools\":[{\"name\":\"fetch_a\",\"annotations\":{\"readOnlyHint\":true}}],\"nextCursor\":\"c1\"}";
        } else if (body.contains("\"tools/call\"")) {
            result = "{\"mode\":\"" + req.getAttribute(TurnstileAttributes.MODE) + "\"}";
        } else {
            resp.setStatus(HttpServletResponse.SC_ACCEPTED);
            return;
        }
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write("{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"result\":" + result + "}");
    }
}
