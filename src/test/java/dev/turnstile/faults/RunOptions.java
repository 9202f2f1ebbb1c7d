package dev.turnstile.faults;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command line of {@link FaultRun}:
 * <pre>
 * --out DIR          where results.md goes (required)
 * --work DIR         scratch: Redis data and logs, worker histories and logs (required)
 * --smoke            every phase in a tiny form
 * --phases a,b       only these phases (by name)
 * --ops-per-phase N  --seed N
 * --lease-ms N  --acquire-timeout-ms N  --recheck-interval-ms N  --redis-timeout-ms N  --max-hold-ms N
 * --threads N  --sessions N  --write-share F  --tool-min-us N  --tool-max-us N  --turn-slice-ms N
 *                    (engine and load settings: see {@link LoadSettings})
 * --label TEXT       what was run (the driver passes the checkout's commit)
 * </pre>
 */
record RunOptions(
        Path out,
        Path work,
        boolean smoke,
        List<String> phases,
        LoadSettings load,
        Sizes sizes,
        long seed,
        String label) {

    static final long DEFAULT_SEED = 20260709L;
    private static final Set<String> OWN =
            Set.of("--out", "--work", "--phases", "--ops-per-phase", "--seed", "--label");

    static RunOptions parse(String[] args) {
        boolean smoke = List.of(args).contains("--smoke");
        Map<String, String> own = new HashMap<>();
        LoadSettings load = Sizes.defaults(smoke);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (OWN.contains(a)) {
                own.put(a, value(args, ++i, a));
            } else if (!"--smoke".equals(a)) {
                load = engineOption(load, a, args, ++i);
            }
        }
        if (!own.containsKey("--out") || !own.containsKey("--work")) {
            throw new IllegalArgumentException("--out and --work are required");
        }
        Sizes sizes = smoke ? Sizes.smoke(load) : Sizes.full(load);
        if (own.containsKey("--ops-per-phase")) {
            sizes = sizes.withOpsPerPhase(Long.parseLong(own.get("--ops-per-phase")));
        }
        List<String> phases =
                own.containsKey("--phases") ? List.of(own.get("--phases").split(",")) : List.of();
        return new RunOptions(
                Path.of(own.get("--out")),
                Path.of(own.get("--work")),
                smoke,
                phases,
                load,
                sizes,
                Long.parseLong(own.getOrDefault("--seed", Long.toString(DEFAULT_SEED))),
                own.getOrDefault("--label", ""));
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value of " + name);
        }
        return args[i];
    }

    private static LoadSettings engineOption(LoadSettings s, String name, String[] args, int i) {
        if (!name.startsWith("--")) {
            throw new IllegalArgumentException("unknown option: " + name);
        }
        return s.with(name.substring(2), value(args, i, name));
    }
}
