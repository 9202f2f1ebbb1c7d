package dev.turnstile.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.HostAndPort;

/**
 * A {@code redis-server} child process on 127.0.0.1 (foreground, {@code --daemonize no}) that the
 * run can kill with SIGKILL, stop and continue, and start again on the same port with the same
 * directory (so an append-only file or a cluster's {@code nodes.conf} is found again).
 */
final class RedisServer {

    private final ChildProcesses children;
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    RedisServer(ChildProcesses children, int port, Path dir, List<String> extraArgs) {
        this.children = children;
        this.port = port;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** No persistence at all. */
    static List<String> volatileArgs() {
        return List.of("--save", "", "--appendonly", "no");
    }

    /** Every write in the append-only file, fsynced before the reply. */
    static List<String> aofAlwaysArgs() {
        return List.of("--save", "", "--appendonly", "yes", "--appendfsync", "always");
    }

    int port() {
        return port;
    }

    HostAndPort address() {
        return new HostAndPort("127.0.0.1", port);
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the process; returns the time just before it was spawned. Does not wait for it. */
    long spawn() throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "no",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString(),
                "--maxmemory-policy",
                "noeviction"));
        cmd.addAll(extraArgs);
        long at = System.nanoTime();
        process = children.start(new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()));
        return at;
    }

    /** Starts and waits until it answers PING; returns the time of the first answer. */
    long start() throws IOException, InterruptedException {
        spawn();
        return awaitReady();
    }

    long awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited; see " + dir.resolve("redis.log"));
            }
            if (RedisAdmin.pings(address())) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        throw new IOException("redis-server on port " + port + " did not answer PING");
    }

    void kill9() throws InterruptedException {
        ChildProcesses.kill9(process);
    }

    void pause() throws IOException, InterruptedException {
        ChildProcesses.signal(process, "STOP");
    }

    void resume() throws IOException, InterruptedException {
        ChildProcesses.signal(process, "CONT");
    }

    boolean alive() {
        return process != null && process.isAlive();
    }
}
