package dev.turnstile.bench;

import jakarta.servlet.Filter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * One embedded Tomcat 11 on a loopback port with a bounded number of request-handling threads,
 * serving the {@link EchoServlet} at {@code /KEY/mcp} in web applications that differ only in
 * their filter. Filters are registered async-supported and mapped for REQUEST and ASYNC
 * dispatches, as the README asks of Turnstile's filter.
 */
final class BenchServer implements AutoCloseable {

    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    private final Path baseDir;
    private final Tomcat tomcat;
    private final Connector connector;

    BenchServer(int maxThreads) throws IOException {
        TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
        baseDir = Files.createTempDirectory("turnstile-bench-tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxKeepAliveRequests", "-1");
        connector.setProperty("maxThreads", Integer.toString(maxThreads));
        connector.setProperty("minSpareThreads", Integer.toString(Math.min(10, maxThreads)));
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
    }

    /**
     * Adds an application at {@code /key}; {@code filter} may be null (no filter). Init-params go to
     * the filter's registration (for a filter that reads its settings in {@code init}).
     */
    EchoServlet addApp(String key, Filter filter, Map<String, String> initParams) throws IOException {
        File docBase = Files.createDirectories(baseDir.resolve("docs-" + key)).toFile();
        Context ctx = tomcat.addContext("/" + key, docBase.getAbsolutePath());
        if (ctx instanceof StandardContext standard) { // no leak detection on stop (it needs --add-opens)
            standard.setClearReferencesThreadLocals(false);
            standard.setClearReferencesRmiTargets(false);
        }
        EchoServlet servlet = new EchoServlet();
        Wrapper wrapper = Tomcat.addServlet(ctx, "mcp", servlet);
        wrapper.setAsyncSupported(true);
        ctx.addServletMappingDecoded("/mcp", "mcp");
        if (filter != null) {
            FilterDef def = new FilterDef();
            def.setFilterName("guard");
            def.setFilter(filter);
            def.setAsyncSupported("true");
            initParams.forEach(def::addInitParameter);
            ctx.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("guard");
            map.addURLPatternDecoded("/mcp");
            map.setDispatcher("REQUEST");
            map.setDispatcher("ASYNC");
            ctx.addFilterMap(map);
        }
        return servlet;
    }

    /** Starts Tomcat; returns the port it listens on. */
    int start() throws Exception {
        tomcat.start();
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            try (Stream<Path> files = Files.walk(baseDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
