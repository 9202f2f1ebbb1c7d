package dev.turnstile.examples.gateway.embedded;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Runs the gateway's WAR in embedded Jetty 12.1 (ee10), as a Jakarta EE server would deploy it: web.xml
 * registers Turnstile's filter and the proxy servlet.
 *
 * <p>Usage: {@code java -cp gateway-embedded.jar:embedded/lib/* ...EmbeddedJetty target/gateway} (the exploded
 * WAR or the .war file). Environment: {@code PORT} (default 8090; 0 picks a free port), {@code BIND_ADDRESS}
 * (default 127.0.0.1), {@code MAX_THREADS} (request-handling threads, default 400; the pool gets one acceptor
 * and the selector threads on top), {@code UPSTREAM_URL}, {@code INSTANCE_ID} (read by the proxy servlet) and every
 * {@code TURNSTILE_*} setting (read by the filter itself). Prints {@code listening on http://127.0.0.1:PORT/mcp}
 * on stdout when ready; stops on SIGTERM.
 */
public final class EmbeddedJetty {

    static final int DEFAULT_PORT = 8090;
    /** Request-handling threads without {@code MAX_THREADS}. */
    static final int DEFAULT_MAX_THREADS = 400;
    /** Threads that accept connections; they never handle a request. */
    static final int ACCEPTORS = 1;
    /** Idle timeout of client connections: long, so that a quiet SSE stream is not cut. */
    static final long IDLE_TIMEOUT_MS = 3_600_000;

    private EmbeddedJetty() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: EmbeddedJetty <path to gateway.war or its exploded directory>");
            System.exit(2);
        }
        Path war = Path.of(args[0]).toAbsolutePath();
        if (!Files.exists(war)) {
            System.err.println("no such WAR: " + war);
            System.exit(2);
        }
        int port = port(System.getenv("PORT"));
        int maxThreads = maxThreads(System.getenv("MAX_THREADS"));
        String bind = env("BIND_ADDRESS", "127.0.0.1");

        // Jetty's pool also runs the acceptor and the selectors: they come on top of MAX_THREADS
        int selectors = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads + ACCEPTORS + selectors);
        threads.setName("gateway");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, ACCEPTORS, selectors, new HttpConnectionFactory(http));
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(war.toString());
        webapp.setThrowUnavailableOnStartupException(true);
        // The webapp loads Turnstile, Jedis and its own Jetty proxy and client from WEB-INF/lib (Jetty hides the
        // server's org.eclipse.jetty classes from it); only logging is shared with this launcher.
        webapp.getProtectedClassMatcher().add("org.slf4j.");
        server.setHandler(webapp);

        server.setStopAtShutdown(true); // SIGTERM / Ctrl-C stop the server (and with it the webapp) cleanly
        server.setStopTimeout(5_000);
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("the gateway did not start: " + e);
            server.stop();
            System.exit(1);
        }
        if (!webapp.isAvailable()) {
            System.err.println("the web application did not start (see the log above)");
            server.stop();
            System.exit(1);
        }
        System.out.println("listening on http://" + host(bind) + ":" + connector.getLocalPort() + "/mcp");
        System.out.flush();
        server.join();
    }

    private static String host(String bind) throws java.io.IOException {
        InetAddress address = InetAddress.getByName(bind);
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return "127.0.0.1";
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    private static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        System.err.println("PORT must be a port number (0 picks a free one), got '" + value + "'");
        System.exit(2);
        return -1;
    }

    private static int maxThreads(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_MAX_THREADS;
        }
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        System.err.println("MAX_THREADS must be a number of threads (1 or more), got '" + value + "'");
        System.exit(2);
        return -1;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
