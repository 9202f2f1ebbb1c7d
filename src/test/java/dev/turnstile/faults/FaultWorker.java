package dev.turnstile.faults;

import dev.turnstile.Mode;
import dev.turnstile.Turnstile;
import dev.turnstile.TurnstileBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A worker process of the fault run: runs guarded calls with the real engine against the shared
 * sessions and records every section in its history file. Driven by {@link FaultRun} through
 * stdin, one command a line, each starting with a sequence number that the answer repeats:
 *
 * <pre>
 * SEQ phase INDEX NAME KEY-PREFIX standalone|cluster TARGET TURN-BASE LOAD → SEQ STARTED
 * SEQ hold SESSION READ|WRITE EXIT-AT                                    → SEQ HELD HASH FENCE | SEQ HOLDFAIL WHY
 * SEQ count                                                              → SEQ COUNT N
 * SEQ drain                                                              → SEQ DRAINED N
 * SEQ quit                                                               → SEQ BYE
 * </pre>
 *
 * Times are {@link System#nanoTime()} values: CLOCK_MONOTONIC on Linux, one clock for every
 * process on the machine. Arguments: TAG INDEX HISTORY-FILE followed by {@link LoadSettings}
 * arguments; INDEX (0, 1, 2) decides which sessions the calling threads use.
 */
public final class FaultWorker {

    private final String tag;
    private final int index;
    private final Recorder recorder;
    private final LoadSettings settings;
    private final PrintStream out;
    private WorkerPhase current;

    private FaultWorker(String tag, int index, Recorder recorder, LoadSettings settings, PrintStream out) {
        this.tag = tag;
        this.index = index;
        this.recorder = recorder;
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: FaultWorker TAG INDEX HISTORY-FILE name=value...");
            System.exit(2);
        }
        LoadSettings settings = LoadSettings.parse(Arrays.asList(args).subList(3, args.length));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        FaultWorker worker =
                new FaultWorker(args[0], Integer.parseInt(args[1]), new Recorder(Path.of(args[2])), settings, out);
        worker.answer("0", "READY");
        worker.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    private void serve(BufferedReader in) throws IOException, InterruptedException {
        String line;
        while ((line = in.readLine()) != null) {
            List<String> words = Arrays.asList(line.trim().split(" "));
            if (words.size() < 2) {
                continue;
            }
            if (!handle(words.get(0), words.get(1), words.subList(2, words.size()))) {
                break;
            }
        }
        closeCurrent();
        recorder.close();
        System.exit(0);
    }

    private boolean handle(String seq, String command, List<String> args) throws InterruptedException {
        switch (command) {
            case "phase" -> {
                startPhase(args);
                answer(seq, "STARTED");
            }
            case "hold" -> {
                WorkerPhase phase = current;
                new Thread(
                                () -> answer(
                                        seq,
                                        phase.hold(
                                                Integer.parseInt(args.get(0)),
                                                Mode.valueOf(args.get(1)),
                                                Long.parseLong(args.get(2)))),
                                "fault-hold-acquire")
                        .start();
            }
            case "count" -> answer(seq, "COUNT " + (current == null ? 0 : current.sections()));
            case "drain" -> answer(seq, "DRAINED " + current.drain());
            case "quit" -> {
                answer(seq, "BYE");
                return false;
            }
            default -> answer(seq, "UNKNOWN " + command);
        }
        return true;
    }

    private void startPhase(List<String> a) {
        closeCurrent();
        int phase = Integer.parseInt(a.get(0));
        RecordingListener listener = new RecordingListener(recorder, phase);
        TurnstileBuilder b = Turnstile.builder()
                .keyPrefix(a.get(2))
                .lease(settings.lease())
                .acquireTimeout(settings.acquireTimeout())
                .recheckInterval(settings.recheckInterval())
                .redisTimeout(settings.redisTimeout())
                .maxHold(settings.maxHold())
                .listener(listener);
        if ("cluster".equals(a.get(3))) {
            b.redisCluster(a.get(4));
        } else {
            b.redisUrl(a.get(4));
        }
        current = new WorkerPhase(
                tag,
                index,
                phase,
                b.build(),
                listener,
                recorder,
                settings,
                Long.parseLong(a.get(5)),
                PhasePlan.Load.valueOf(a.get(6)));
        current.start();
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    private synchronized void answer(String seq, String text) {
        out.println(seq + " " + text);
    }
}
