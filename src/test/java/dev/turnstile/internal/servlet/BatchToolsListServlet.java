package dev.turnstile.internal.servlet;

import dev.turnstile.servlet.TurnstileAttributes;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for a 2025-03-26 server that answers JSON-RPC batches (one answer per request, each
 * echoing its request's id as written) and a {@code tools/list} of two pages: the first has
 * {@code fetch_a} ({@code readOnlyHint: true}) and {@code get_tally} ({@code readOnlyHint: false}, a
 * write whose name has a read prefix), the second ({@code cursor "c1"}) has {@code fetch_b}
 * ({@code readOnlyHint: true}). A {@code tools/call} is answered with the mode the filter decided.
 */
public class BatchToolsListServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern LIST = Pattern.compile(
            "\\{\"jsonrpc\":\"2.0\",\"id\":([^,]+),\"method\":\"tools/list\",\"params\":(\\{[^{}]*\\})\\}");
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    static final String FIRST_PAGE = "{\"tools\":[{\"name\":\"fetch_a\",\"annotations\":{\"readOnlyHint\":true}},"
            + "{\"name\":\"get_tally\",\"annotations\":{\"readOnlyHint\":false}}],\"nextCursor\":\"c1\"}";
    static final String LAST_PAGE = "{\"tools\":[{\"name\":\"fetch_b\",\"annotations\":{\"readOnlyHint\":true}}]}";

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String answer;
        if (body.contains("\"tools/call\"")) {
            Matcher id = ID.matcher(body);
            answer = "{\"jsonrpc\":\"2.0\",\"id\":" + (id.find() ? id.group(1) : "null") + ",\"result\":{\"mode\":\""
                    + req.getAttribute(TurnstileAttributes.MODE) + "\"}}";
        } else {
            List<String> answers = new ArrayList<>();
            Matcher list = LIST.matcher(body);
            while (list.find()) {
                String page = list.group(2).contains("\"cursor\":\"c1\"") ? LAST_PAGE : FIRST_PAGE;
                answers.add("{\"jsonrpc\":\"2.0\",\"id\":" + list.group(1) + ",\"result\":" + page + "}");
            }
            if (answers.isEmpty()) {
                resp.setStatus(HttpServletResponse.SC_ACCEPTED);
                return;
            }
            answer = body.startsWith("[") ? "[" + String.join(",", answers) + "]" : answers.get(0);
        }
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(answer);
    }
}
