package dev.turnstile.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client on one keep-alive connection (loopback only): writes a prepared
 * request, reads the status, the headers and a Content-Length or chunked body. Cheaper than
 * java.net.http, so that on 2 cores the load generator takes as little as possible from the server.
 */
final class RawHttpClient implements Closeable {

    /** A response: its status and whether its body is a JSON-RPC error. */
    record Response(int status, boolean jsonRpcError) {}

    private static final byte[] ERROR = "\"error\"".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private byte[] body = new byte[4096];
    private final StringBuilder line = new StringBuilder(128);

    RawHttpClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    Response post(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        out.write(request);
        out.flush();
        String status = readLine();
        if (status == null) {
            throw new EOFException("connection closed by the server");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        int length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h = readLine(); h != null && !h.isEmpty(); h = readLine()) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                close = true;
            }
        }
        int size = chunked ? readChunked() : readFully(0, Math.max(0, length));
        boolean error = contains(body, size, ERROR);
        if (close) {
            close();
        }
        return new Response(code, error);
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    }

    private int readChunked() throws IOException {
        int size = 0;
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new EOFException("chunked body cut off");
            }
            int semi = sizeLine.indexOf(';');
            int chunk = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (chunk == 0) {
                for (String t = readLine(); t != null && !t.isEmpty(); t = readLine()) {
                    // trailers
                }
                return size;
            }
            size = readFully(size, chunk);
            readLine(); // CRLF after the chunk
        }
    }

    /** Appends {@code n} body bytes after {@code at}; returns the new body size. */
    private int readFully(int at, int n) throws IOException {
        if (at + n > body.length) {
            body = java.util.Arrays.copyOf(body, Math.max(body.length * 2, at + n));
        }
        int done = 0;
        while (done < n) {
            int r = in.read(body, at + done, n - done);
            if (r < 0) {
                throw new EOFException("body cut off");
            }
            done += r;
        }
        return at + n;
    }

    private String readLine() throws IOException {
        line.setLength(0);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }

    private static boolean contains(byte[] haystack, int size, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= size; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
