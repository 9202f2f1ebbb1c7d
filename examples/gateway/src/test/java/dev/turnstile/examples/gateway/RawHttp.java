package dev.turnstile.examples.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} does not do: a {@code Host} header of the
 * test's choosing, and a client that closes its connection in the middle of a call.
 */
final class RawHttp implements AutoCloseable {

    /** A whole answer: the status and everything after the header block (chunk framing left in). */
    record Reply(int status, String head, String body) {}

    private final Socket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    /** Sends a POST to {@code endpoint} and leaves the connection open. {@code headers} may replace Host. */
    static RawHttp post(URI endpoint, Map<String, String> headers, String body) throws IOException {
        return send("POST", endpoint, headers, body);
    }

    /**
     * Sends a request to {@code endpoint} and leaves the connection open. Each entry of {@code headers} is
     * one header line as given, so names that differ only in case go as separate lines; it may replace Host.
     */
    static RawHttp send(String method, URI endpoint, Map<String, String> headers, String body) throws IOException {
        Socket socket = new Socket(endpoint.getHost(), endpoint.getPort());
        socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", endpoint.getAuthority());
        all.put("Content-Type", "application/json");
        all.put("Accept", "application/json, text/event-stream");
        all.putAll(headers);
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        all.put("Content-Length", Integer.toString(content.length));
        StringBuilder request = new StringBuilder(method + " " + endpoint.getRawPath() + " HTTP/1.1\r\n");
        all.forEach(
                (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().write(content);
        socket.getOutputStream().flush();
        return new RawHttp(socket);
    }

    /** Sends a POST with {@code Connection: close} and reads the whole answer. */
    static Reply exchange(URI endpoint, Map<String, String> headers, String body) throws IOException {
        return exchange("POST", endpoint, headers, body);
    }

    /** Sends a request with {@code Connection: close} and reads the whole answer. */
    static Reply exchange(String method, URI endpoint, Map<String, String> headers, String body) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Connection", "close");
        try (RawHttp http = send(method, endpoint, all, body)) {
            String text = http.readToEnd();
            int headEnd = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
                throw new IOException("not an HTTP answer: " + text);
            }
            return new Reply(
                    Integer.parseInt(text.substring(9, 12)), text.substring(0, headEnd), text.substring(headEnd + 4));
        }
    }

    /** Reads until what arrived contains {@code marker}; everything read so far. */
    String readUntil(String marker) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        while (!received.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("the connection ended before '" + marker + "': " + received);
            }
            received.write(buffer, 0, n);
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    private String readToEnd() throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no end of the answer within 30 s: " + received, e);
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Closes the connection: the client is gone. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
