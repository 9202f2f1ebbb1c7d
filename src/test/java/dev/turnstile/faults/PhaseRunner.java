package dev.turnstile.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one phase: every worker gets a fresh engine under the phase's own key prefix and starts
 * its calls; after a warm-up the fault is injected; the load goes on for the tail after the
 * fault's end or the holders' end, whichever is later (in the full run until the phase's share
 * of operations is done); then the workers drain and the keys left
 * under the prefix are counted until the lock keys are gone or a lease has passed.
 */
final class PhaseRunner {

    private static final long CENSUS_POLL_MILLIS = 50;
    private static final Duration CENSUS_SLACK = Duration.ofMillis(100);
    private static final long COUNT_POLL_MILLIS = 250;

    private final FaultContext ctx;

    PhaseRunner(FaultContext ctx) {
        this.ctx = ctx;
    }

    PhaseFacts run(PhasePlan plan, int index) throws Exception {
        PhaseFacts facts = new PhaseFacts(index, plan, "faults-" + index + "-" + plan.name());
        ctx.startPhase(facts, System.nanoTime());
        facts.startedAt = System.nanoTime();
        Thread.sleep(ctx.sizes.warm().toMillis());
        plan.inject().inject(ctx, facts);
        tail(facts);
        drain(facts);
        census(facts);
        return facts;
    }

    private void tail(PhaseFacts facts) throws IOException, InterruptedException {
        long from = Math.max(facts.faultEnd, facts.holdsUntil);
        FaultContext.sleepUntil(from + ctx.sizes.tail().toNanos());
        long cap = from + ctx.sizes.tailCap().toNanos();
        while (System.nanoTime() < cap && sections() < ctx.sizes.opsPerPhase()) {
            Thread.sleep(COUNT_POLL_MILLIS);
        }
    }

    /** Sections of this phase in the live workers (a killed worker's are not counted here). */
    private long sections() throws IOException {
        long n = 0;
        for (WorkerHandle w : ctx.workers()) {
            n += Long.parseLong(w.call("count", Duration.ofSeconds(30)).split(" ")[1]);
        }
        return n;
    }

    private void drain(PhaseFacts facts) throws IOException {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        List<WorkerHandle> workers = ctx.workers();
        workers.forEach(w -> answers.add(w.send("drain")));
        Duration limit = ctx.load.acquireTimeout().plusSeconds(120);
        for (int i = 0; i < workers.size(); i++) {
            workers.get(i).await(answers.get(i), limit, "drain");
        }
        facts.drainedAt = System.nanoTime();
    }

    /** Keys under the prefix right after the drain, then until no lock key is left or a lease passed. */
    private void census(PhaseFacts facts) throws InterruptedException {
        List<KeyCensus.NodeRef> nodes = nodes(facts.plan.backend());
        facts.atDrain = KeyCensus.take(nodes, facts.keyPrefix);
        facts.last = facts.atDrain;
        long deadline = facts.drainedAt + ctx.load.lease().plus(CENSUS_SLACK).toNanos();
        while (facts.last.lockKeys() > 0) {
            Thread.sleep(CENSUS_POLL_MILLIS);
            if (System.nanoTime() > deadline) {
                return;
            }
            facts.last = KeyCensus.take(nodes, facts.keyPrefix);
        }
        facts.lockKeysGoneAfter = Math.max(0, facts.last.at() - facts.drainedAt);
    }

    private List<KeyCensus.NodeRef> nodes(PhasePlan.Backend backend) {
        List<KeyCensus.NodeRef> nodes = new ArrayList<>();
        if (backend.standalone()) {
            nodes.add(new KeyCensus.NodeRef(ctx.standalone().address(), false));
            return nodes;
        }
        for (LocalCluster.Node n : ctx.cluster.topology()) {
            RedisServer s = ctx.cluster.server(n.port());
            if (s.alive()) {
                nodes.add(new KeyCensus.NodeRef(s.address(), !n.master()));
            }
        }
        return nodes;
    }
}
