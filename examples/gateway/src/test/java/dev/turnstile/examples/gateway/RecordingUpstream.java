package dev.turnstile.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An upstream the test serves itself (the JDK's HTTP server on 127.0.0.1), for what the example server
 * cannot show: the headers each request reached the upstream with. It records them by the value of the
 * request's {@value #MARK} header and answers a JSON-RPC request with an empty result, a notification or
 * a response with 202, and GET or DELETE with 405 (as a stateless MCP server does). A request the test
 * {@linkplain #hold holds} is answered only once its gate opens.
 */
final class RecordingUpstream implements AutoCloseable {

    /** The header by which a test finds its request among those the upstream received. */
    static final String MARK = "X-Test-Mark";

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    /** A held request: whether it has reached the upstream, and the gate its answer waits behind. */
    record Gate(CountDownLatch arrived, CountDownLatch open) {
        void awaitArrived() throws InterruptedException {
            assertTrue(arrived.await(30, TimeUnit.SECONDS), "the held request never reached the upstream");
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Map<String, List<String>>> received = new ConcurrentHashMap<>();
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    private RecordingUpstream(HttpServer server) {
        this.server = server;
    }

    static RecordingUpstream start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        RecordingUpstream upstream = new RecordingUpstream(server);
        server.createContext("/mcp", upstream::handle);
        server.setExecutor(upstream.threads); // a held request holds one thread, not the server
        server.start();
        return upstream;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
    }

    /** The headers of the request marked {@code mark} as they reached the upstream, by lower-case name. */
    Map<String, List<String>> headers(String mark) {
        Map<String, List<String>> headers = received.get(mark);
        assertTrue(headers != null, "request " + mark + " never reached the upstream; received " + received.keySet());
        return headers;
    }

    /** The request marked {@code mark} will be answered only when the returned gate opens. */
    Gate hold(String mark) {
        Gate gate = new Gate(new CountDownLatch(1), new CountDownLatch(1));
        gates.put(mark, gate);
        return gate;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.computeIfAbsent(
                                    name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                            .addAll(values));
            String mark = exchange.getRequestHeaders().getFirst(MARK);
            if (mark != null) {
                received.put(mark, headers);
                awaitGate(gates.get(mark));
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Map<String, Object> message = JSON.readValue(body, new TypeRef<Map<String, Object>>() {});
            if (!message.containsKey("method") || !message.containsKey("id")) {
                exchange.sendResponseHeaders(202, -1); // a notification or a response
                return;
            }
            byte[] answer = ("{\"jsonrpc\":\"2.0\",\"id\":" + JSON.writeValueAsString(message.get("id"))
                            + ",\"result\":{}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    private static void awaitGate(Gate gate) throws IOException {
        if (gate == null) {
            return;
        }
        gate.arrived.countDown();
        try {
            if (!gate.open.await(60, TimeUnit.SECONDS)) {
                throw new IOException("the test never opened the gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
