package dev.turnstile.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Runs {@link FloorBenchmark} with JMH (short: one fork, one warm-up and three 2 s iterations). */
final class FloorPhase {

    record Row(String benchmark, double microsPerOp, double error) {}

    private final Settings settings;

    FloorPhase(Settings settings) {
        this.settings = settings;
    }

    List<Row> run(String redisUrl) throws Exception {
        TimeValue time = TimeValue.milliseconds(settings.jmhIterationTime().toMillis());
        Options options = new OptionsBuilder()
                .include(FloorBenchmark.class.getName() + "\\.")
                .forks(settings.jmhForks())
                .warmupIterations(settings.jmhWarmupIterations())
                .warmupTime(time)
                .measurementIterations(settings.jmhIterations())
                .measurementTime(time)
                .threads(1)
                .jvmArgsAppend("-Dbench.redis=" + redisUrl, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .verbosity(VerboseMode.SILENT)
                .build();
        System.setProperty("bench.redis", redisUrl); // for -f 0 (the smoke run), where JMH runs in this JVM
        Collection<RunResult> results = new Runner(options).run();
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double error = r.getPrimaryResult().getScoreError();
            rows.add(new Row(name, r.getPrimaryResult().getScore(), Double.isNaN(error) ? 0 : error));
        }
        return rows;
    }
}
