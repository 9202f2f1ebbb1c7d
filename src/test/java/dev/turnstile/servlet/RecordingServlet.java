package dev.turnstile.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for an MCP server: records every request the filter forwards and answers 200 "{}". */
public class RecordingServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** What reached the servlet: the body as read through the filter's wrapper, and the mode attribute. */
    public record Forwarded(String body, Object mode) {}

    public static final List<Forwarded> FORWARDED = new CopyOnWriteArrayList<>();

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        FORWARDED.add(new Forwarded(body, req.getAttribute(TurnstileAttributes.MODE)));
        resp.setContentType("application/json");
        resp.getWriter().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    }
}
