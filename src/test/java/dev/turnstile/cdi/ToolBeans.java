package dev.turnstile.cdi;

import static dev.turnstile.cdi.Guarded.Access.READ;
import static dev.turnstile.cdi.Guarded.Access.WRITE;

import dev.turnstile.Mode;
import dev.turnstile.internal.servlet.CurrentRequest;
import dev.turnstile.testing.OverlapHistory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/** Tool handlers of a CDI-based MCP server, for the interceptor tests. */
final class ToolBeans {

    private ToolBeans() {}

    static volatile OverlapHistory history = new OverlapHistory();

    /** What a tool does while it is inside its guarded section. */
    @FunctionalInterface
    interface Inside {
        void run() throws Exception;

        static Inside meet(CyclicBarrier barrier) {
            return () -> barrier.await(30, TimeUnit.SECONDS);
        }
    }

    static void work(Mode mode, Inside inside) throws Exception {
        String session = CurrentRequest.get().getHeader("Mcp-Session-Id");
        String turn = CurrentRequest.get().getHeader("X-Mcp-Turn-Id");
        long enter = history.enter();
        try {
            if (inside != null) {
                inside.run();
            }
            Thread.sleep(0, 200_000);
        } finally {
            history.exit(session, turn, mode, enter);
        }
    }

    @ApplicationScoped
    public static class Ledger {
        @Inject
        Audit audit;

        @Guarded(WRITE)
        public void refund(Inside inside) throws Exception {
            work(Mode.WRITE, inside);
        }

        @Guarded(READ)
        public void balance(Inside inside) throws Exception {
            work(Mode.READ, inside);
        }

        @Guarded
        public String get_statement() {
            return "statement";
        }

        @Guarded(tool = "lookup_charge")
        public String charge() {
            return "charge";
        }

        @Guarded(WRITE)
        public String refundAndAudit() throws Exception {
            return "refunded+" + audit.read();
        }

        @Guarded(READ)
        public String balanceThenFix() throws Exception {
            return "balance+" + audit.fix();
        }
    }

    @ApplicationScoped
    public static class Audit {
        @Guarded(READ)
        public String read() {
            return "audit";
        }

        @Guarded(WRITE)
        public String fix() {
            return "fixed";
        }

        @Guarded(WRITE)
        public void note(Inside inside) throws Exception {
            work(Mode.WRITE, inside);
        }

        @Guarded(READ)
        public void look(Inside inside) throws Exception {
            work(Mode.READ, inside);
        }
    }
}
