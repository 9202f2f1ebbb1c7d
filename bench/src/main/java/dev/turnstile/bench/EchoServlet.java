package dev.turnstile.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An MCP-like JSON-RPC endpoint with zero-latency tools: reads the whole body, answers every
 * {@code tools/call} at once with a text result echoing the request id.
 */
final class EchoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final byte[] HEAD = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"isError\":false}}"
            .getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = request.getInputStream().readAllBytes();
        byte[] id = id(body);
        response.setContentType("application/json");
        response.setContentLength(HEAD.length + id.length + TAIL.length);
        var out = response.getOutputStream();
        out.write(HEAD);
        out.write(id);
        out.write(TAIL);
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
