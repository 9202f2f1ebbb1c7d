package dev.turnstile.bench;

import java.nio.charset.StandardCharsets;

/**
 * The raw HTTP/1.1 requests the bench sends: MCP {@code tools/call} and {@code tools/list} POSTs with
 * a session id and a turn id, as Streamable HTTP clients send them.
 */
final class BenchRequests {

    private BenchRequests() {}

    /**
     * A {@code tools/call} of {@code tool} with the JSON-RPC id {@code id}; a tool that takes
     * {@code toolMillis} in the echo servlet (0: none), answered as {@code answer} asks.
     */
    static byte[] toolsCall(
            String authority,
            String path,
            String session,
            String turn,
            long id,
            String tool,
            int toolMillis,
            Answer answer) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"key\":\"k" + (id % 16) + "\"}}}";
        String extra = (toolMillis > 0 ? "\r\n" + EchoServlet.TOOL_TIME_HEADER + ": " + toolMillis : "")
                + answer.headerLines();
        return post(authority, path, session, turn, extra, body);
    }

    /** A {@code tools/list} request (first page, no cursor), answered as {@code answer} asks. */
    static byte[] toolsList(String authority, String path, String session, long id, Answer answer) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\",\"params\":{}}";
        return post(authority, path, session, null, answer.headerLines(), body);
    }

    private static byte[] post(
            String authority, String path, String session, String turn, String extraHeaders, String body) {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + authority
                + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
                + "\r\nMcp-Session-Id: " + session + (turn == null ? "" : "\r\nX-Mcp-Turn-Id: " + turn)
                + extraHeaders + "\r\nContent-Length: " + bodyBytes.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
        return all;
    }
}
