package dev.turnstile.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ShutdownParams;

/**
 * A private redis-server process on 127.0.0.1, for tests that stop, pause, flush or reconfigure
 * Redis (never the shared servers of the suite). Needs redis-server on the PATH.
 */
public final class RedisProcess implements AutoCloseable {

    private final Path binary;
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final StringBuffer output = new StringBuffer();
    private Process process;

    private RedisProcess(Path binary, int port, Path dir, List<String> extraArgs) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    /** Starts a server without persistence on a free port; {@code extraArgs} are redis-server options. */
    public static RedisProcess start(String... extraArgs) throws IOException {
        return start(freePort(), extraArgs);
    }

    public static RedisProcess start(int port, String... extraArgs) throws IOException {
        Path binary = findOnPath("redis-server");
        assumeTrue(binary != null, "redis-server is not on the PATH");
        RedisProcess redis =
                new RedisProcess(binary, port, Files.createTempDirectory("turnstile-it-redis"), List.of(extraArgs));
        redis.launch();
        return redis;
    }

    public HostAndPort node() {
        return new HostAndPort("127.0.0.1", port);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    public Jedis admin() {
        return new Jedis(
                node(),
                DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(5000)
                        .socketTimeoutMillis(5000)
                        .build());
    }

    /** kill -STOP: the server holds every byte it receives until {@link #resume()}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** kill -CONT: the server runs what it received meanwhile. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** SHUTDOWN NOSAVE, then wait for the process to end. */
    public void shutdown() throws InterruptedException {
        try (Jedis jedis = admin()) {
            jedis.shutdown(ShutdownParams.shutdownParams().nosave());
        } catch (JedisException e) {
            // the connection closes under the command
        }
        awaitEnd();
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        awaitEnd();
    }

    /** Starts the server again on the same port and directory. */
    public void restart() throws IOException {
        assertFalse(process.isAlive());
        launch();
    }

    private void awaitEnd() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        assertFalse(process.isAlive(), "redis-server did not stop");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    private void launch() throws IOException {
        output.setLength(0);
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString()));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Process started = process;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                        String row;
                        while ((row = in.readLine()) != null) {
                            if (output.length() < 20_000) {
                                output.append(row).append('\n');
                            }
                            if (row.contains("Ready to accept connections")) {
                                ready.complete(true);
                            }
                        }
                    } catch (IOException e) {
                        // process gone
                    }
                    ready.complete(false);
                },
                "redis-server-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
        boolean up;
        try {
            up = ready.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            up = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            up = false;
        }
        if (!up) {
            process.destroyForcibly();
            throw new AssertionError("redis-server did not start on port " + port + ":\n" + output);
        }
    }

    @Override
    public void close() throws IOException {
        if (process != null && process.isAlive()) {
            try {
                resume(); // a paused server cannot die cleanly
            } catch (IOException | InterruptedException | IllegalStateException e) {
                // killed below anyway
            }
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    /** A free port on 127.0.0.1 whose Cluster bus port (+10000) is free too. */
    public static int freePort() throws IOException {
        for (int i = 0; i < 100; i++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            if (port + 10000 > 65535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10000, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair found");
    }

    static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
