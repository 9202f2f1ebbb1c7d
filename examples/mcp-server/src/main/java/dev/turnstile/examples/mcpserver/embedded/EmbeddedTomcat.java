package dev.turnstile.examples.mcpserver.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.loader.WebappLoader;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * Runs the example's WAR in embedded Tomcat 11, as a Jakarta EE server would deploy it: web.xml
 * registers the Turnstile filter and the MCP server's listener; Weld servlet (on this launcher's
 * class path, not in the WAR) provides CDI.
 *
 * <p>Usage: {@code java -cp mcp-server-embedded.jar:embedded/lib/* ...EmbeddedTomcat target/mcp-server.war}.
 * Environment: {@code PORT} (default 8080; 0 picks a free port), {@code BIND_ADDRESS} (default
 * 127.0.0.1), {@code MAX_THREADS} (request-handling threads, default 200, Tomcat's; its acceptor and
 * poller threads come on top), {@code INSTANCE_ID}, and every {@code TURNSTILE_*} setting (read by the
 * filter itself).
 * Prints {@code listening on http://127.0.0.1:PORT/mcp} on stdout when ready; stops on SIGTERM.
 */
public final class EmbeddedTomcat {

    /** Request-handling threads without {@code MAX_THREADS}: Tomcat's own default. */
    static final int DEFAULT_MAX_THREADS = 200;
    /** Tomcat's default of idle threads kept, lowered to {@code MAX_THREADS} when that is smaller. */
    static final int DEFAULT_MIN_SPARE_THREADS = 10;

    private EmbeddedTomcat() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: EmbeddedTomcat <path to mcp-server.war or its exploded directory>");
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

        Path base = Files.createTempDirectory("mcp-server-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(port); // before getConnector(), or the connector is made for 8080
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", bind);
        connector.setProperty("maxThreads", Integer.toString(maxThreads));
        connector.setProperty("minSpareThreads", Integer.toString(Math.min(DEFAULT_MIN_SPARE_THREADS, maxThreads)));
        tomcat.getHost()
                .setAppBase(Files.createDirectories(base.resolve("webapps")).toString()); // the WAR unpacks here
        tomcat.setAddDefaultWebXmlToWebapp(false); // only the WAR's own web.xml: no JSP or default servlet

        Context context = tomcat.addWebapp("", war.toString());
        // Parent first: the WAR's copy of slf4j-api and this launcher's slf4j-simple must be one.
        WebappLoader loader = new WebappLoader();
        loader.setDelegate(true);
        context.setLoader(loader);
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanManifest(false);
        context.setJarScanner(scanner);

        Thread shutdown = new Thread(() -> stop(tomcat, base), "mcp-server-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            System.err.println("Tomcat did not start: " + e.getMessage());
            System.exit(1);
        }
        int actual = connector.getLocalPort();
        if (connector.getState() != LifecycleState.STARTED || actual <= 0) {
            System.err.println(
                    "cannot listen on " + bind + ":" + port + " (see the log above); set PORT to a free port");
            System.exit(1);
        }
        if (!context.getState().isAvailable()) {
            System.err.println("the web application did not start (see the log above)");
            System.exit(1);
        }
        System.out.println("listening on http://" + host(bind) + ":" + actual + "/mcp");
        System.out.flush();
        tomcat.getServer().await();
    }

    private static void stop(Tomcat tomcat, Path base) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (Throwable e) {
            System.err.println("Tomcat did not stop cleanly: " + e);
        } finally {
            deleteTree(base);
        }
    }

    private static String host(String bind) throws IOException {
        InetAddress address = InetAddress.getByName(bind);
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return "127.0.0.1";
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    private static int port(String value) {
        if (value == null || value.isBlank()) {
            return 8080;
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

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temporary directory: best effort
        }
    }
}
