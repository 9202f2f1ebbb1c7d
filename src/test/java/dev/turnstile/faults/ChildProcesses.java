package dev.turnstile.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every process the run started (Redis servers, workers), so that all of them are stopped at the
 * end, also on failure or interrupt (a shutdown hook). Each pid is also appended to a file that
 * the driver script reads when this JVM itself was killed.
 */
final class ChildProcesses {

    private final List<Process> live = new ArrayList<>();
    private final Path pidFile;

    ChildProcesses(Path pidFile) {
        this.pidFile = pidFile;
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "fault-run-cleanup"));
    }

    synchronized Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        live.add(p);
        Files.writeString(
                pidFile, p.pid() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return p;
    }

    /** SIGKILL, and wait until the process is gone. */
    static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor();
    }

    /** Sends a signal by name (STOP, CONT) with kill(1). */
    static void signal(Process p, String signal) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                .inheritIO()
                .start();
        if (k.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + p.pid() + " failed");
        }
    }

    /** SIGCONT first (a stopped process ignores SIGTERM), then SIGTERM, then SIGKILL after 5 s. */
    synchronized void stopAll() {
        for (Process p : live) {
            if (p.isAlive()) {
                p.toHandle().destroy();
            }
        }
        for (Process p : live) {
            try {
                if (p.isAlive()) {
                    signal(p, "CONT");
                }
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    kill9(p);
                }
            } catch (IOException | InterruptedException e) {
                p.destroyForcibly();
            }
        }
        live.clear();
    }
}
