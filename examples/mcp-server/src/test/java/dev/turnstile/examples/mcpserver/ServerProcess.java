package dev.turnstile.examples.mcpserver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example server as a user starts it: the {@code run} script (with {@code BUILD=never}: the
 * Maven build under test has just packaged it), {@code PORT=0}, and the given environment. Its
 * stderr goes to {@code target/it-logs/<name>.log}.
 */
final class ServerProcess {

    private static final Pattern READY = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+)/mcp)");

    final String name;
    final URI endpoint;
    final int port;
    private final Process process;
    private final List<String> stdout;
    private final Path log;

    private ServerProcess(String name, URI endpoint, int port, Process process, List<String> stdout, Path log) {
        this.name = name;
        this.endpoint = endpoint;
        this.port = port;
        this.process = process;
        this.stdout = stdout;
        this.log = log;
    }

    static ServerProcess start(String name, Map<String, String> env) throws IOException, InterruptedException {
        String run = System.getProperty("example.run", "run");
        Path log = Path.of("target", "it-logs", name + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(run).redirectError(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("TURNSTILE_")); // only what the test sets
        environment.put("BUILD", "never");
        environment.put("PORT", "0");
        environment.putAll(env);
        Process process = builder.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = out.readLine()) != null; ) {
                            lines.add(line);
                            first.countDown();
                        }
                    } catch (IOException e) {
                        // the process ended
                    } finally {
                        first.countDown();
                    }
                },
                name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        if (!first.await(90, TimeUnit.SECONDS) || lines.isEmpty()) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not print its ready line; stderr:\n" + tail(log));
        }
        Matcher m = READY.matcher(lines.get(0));
        if (!m.matches()) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " printed '" + lines.get(0) + "' instead of its ready line");
        }
        return new ServerProcess(name, URI.create(m.group(1)), Integer.parseInt(m.group(2)), process, lines, log);
    }

    /** Everything the server printed on stdout so far. */
    List<String> stdout() {
        return List.copyOf(stdout);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends SIGTERM and waits for the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(name + " did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    void kill() {
        process.destroyForcibly();
    }

    String logTail() {
        return tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
