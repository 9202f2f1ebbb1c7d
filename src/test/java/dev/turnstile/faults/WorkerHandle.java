package dev.turnstile.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker JVM ({@link FaultWorker}) as the orchestrator sees it: its commands on stdin, its
 * numbered answers on stdout, its log in the work directory, its history file.
 */
final class WorkerHandle {

    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.showDateTime=true");

    private final String tag;
    private final Path history;
    private final Process process;
    private final PrintStream in;
    private final AtomicInteger seq = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private WorkerHandle(String tag, Path history, Process process) {
        this.tag = tag;
        this.history = history;
        this.process = process;
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        pending.put(0, ready);
        Thread reader = new Thread(this::readAnswers, "fault-worker-" + tag);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a worker process; returns once it has said READY. */
    static WorkerHandle start(
            ChildProcesses children, String classpath, Path workDir, String tag, int index, LoadSettings settings)
            throws IOException {
        Path history = workDir.resolve("history-" + tag + ".tsv");
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-cp", classpath));
        cmd.addAll(JVM_OPTIONS);
        String extra =
                System.getenv("FAULTS_WORKER_JAVA_OPTS"); // e.g. -Dorg.slf4j.simpleLogger.log.dev.turnstile=debug
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of(FaultWorker.class.getName(), tag, Integer.toString(index), history.toString()));
        cmd.addAll(settings.toArgs());
        Process p = children.start(new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        workDir.resolve("worker-" + tag + ".log").toFile())));
        return new WorkerHandle(tag, history, p);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    void awaitReady() throws IOException {
        await(ready, Duration.ofSeconds(60), "READY");
    }

    String tag() {
        return tag;
    }

    Path history() {
        return history;
    }

    /** Sends a command; the future completes with the answer (without its number). */
    CompletableFuture<String> send(String command) {
        int n = seq.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        pending.put(n, answer);
        synchronized (in) {
            in.println(n + " " + command);
        }
        return answer;
    }

    String call(String command, Duration timeout) throws IOException {
        return await(send(command), timeout, command);
    }

    String await(CompletableFuture<String> answer, Duration timeout, String what) throws IOException {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for worker " + tag, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(
                    "worker " + tag + " did not answer '" + what + "' (alive: " + process.isAlive() + "; see worker-"
                            + tag + ".log)",
                    e);
        }
    }

    private void readAnswers() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                int space = line.indexOf(' ');
                CompletableFuture<String> f = space < 0 ? null : pending.remove(parse(line.substring(0, space)));
                if (f != null) {
                    f.complete(line.substring(space + 1));
                }
            }
        } catch (IOException e) {
            // the process died
        }
        pending.values().forEach(f -> f.completeExceptionally(new IOException("worker " + tag + " exited")));
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** SIGKILL; returns the time just before the signal was sent. */
    long kill9() throws InterruptedException {
        long at = System.nanoTime();
        ChildProcesses.kill9(process);
        return at;
    }

    void quit() {
        try {
            call("quit", Duration.ofSeconds(20));
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
