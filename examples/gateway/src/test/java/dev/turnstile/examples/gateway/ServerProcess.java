package dev.turnstile.examples.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server started as a user starts it: its {@code run} script with {@code PORT=0} and the given
 * environment, ready when it prints {@code listening on http://127.0.0.1:PORT/mcp}. Its stderr goes to
 * {@code <gateway.logs>/<name>.log}.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+)/mcp)");

    final String name;
    final URI endpoint;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, URI endpoint, Process process, Path log) {
        this.name = name;
        this.endpoint = endpoint;
        this.process = process;
        this.log = log;
    }

    static ServerProcess start(String name, Path run, Map<String, String> env, Duration readyWithin)
            throws IOException, InterruptedException {
        Path log = Path.of(System.getProperty("gateway.logs", "target/it-logs"), name + ".log")
                .toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(run.toString()).redirectError(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("TURNSTILE_")); // only what the test sets
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
        if (!first.await(readyWithin.toMillis(), TimeUnit.MILLISECONDS) || lines.isEmpty()) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    name + " did not print its ready line within " + readyWithin + "; stderr:\n" + tail(log));
        }
        Matcher m = READY.matcher(lines.get(0));
        if (!m.matches()) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " printed '" + lines.get(0) + "' instead of its ready line");
        }
        return new ServerProcess(name, URI.create(m.group(1)), process, log);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, then the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(name + " did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: the process gets no chance to clean up. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    String logTail() {
        return tail(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
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
