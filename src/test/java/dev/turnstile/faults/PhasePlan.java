package dev.turnstile.faults;

/**
 * One phase of the run: where the workers connect, which fault is injected, and what counts as
 * the fault's end (the point the recovery times are measured from).
 */
record PhasePlan(String name, Backend backend, Load load, String fault, String faultEnd, Fault inject) {

    /** How the workers' calling threads are spread over the sessions. */
    enum Load {
        /** Thread i of worker w on session (w * threads + i) mod sessions, the hot threads on session 0. */
        SPREAD,
        /**
         * Every thread on session 0: it always has waiters in every process, the case in which a
         * lost wake-up connection that is not restored leaves waiters on their re-check.
         */
        ONE_SESSION
    }

    /** Where the workers' engines connect in a phase. */
    enum Backend {
        /** Standalone Redis with {@code appendonly yes}, {@code appendfsync always}: keeps its data. */
        STANDALONE_AOF("standalone, AOF always"),
        /** Standalone Redis without persistence: a restart loses everything. */
        STANDALONE_VOLATILE("standalone, no persistence"),
        /** The local Cluster, 3 masters with 1 replica each. */
        CLUSTER("cluster 3+3");

        final String label;

        Backend(String label) {
            this.label = label;
        }

        boolean standalone() {
            return this != CLUSTER;
        }
    }

    /** Injects the fault and records what happened in the facts. */
    @FunctionalInterface
    interface Fault {
        void inject(FaultContext ctx, PhaseFacts facts) throws Exception;
    }
}
