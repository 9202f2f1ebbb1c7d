package dev.turnstile.internal.servlet;

import static dev.turnstile.cdi.Guarded.Access.READ;
import static dev.turnstile.cdi.Guarded.Access.WRITE;

import dev.turnstile.Mode;
import dev.turnstile.cdi.Guarded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Two CDI beans of tool handlers, deployed inside the CDI test WAR. */
public final class CdiTools {

    private CdiTools() {}

    static void work(String session, String turn, Mode mode, String gate) {
        try {
            ToolProbe.run(session, turn, mode, gate, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @ApplicationScoped
    public static class Ledger {
        @Inject
        Audit audit;

        @Guarded(WRITE)
        public String refund(String session, String turn, String gate) {
            work(session, turn, Mode.WRITE, gate);
            return "refunded";
        }

        @Guarded(READ)
        public String balance(String session, String turn, String gate) {
            work(session, turn, Mode.READ, gate);
            return "balance";
        }

        @Guarded(WRITE)
        public String fix() {
            return "fixed";
        }
    }

    @ApplicationScoped
    public static class Audit {
        @Guarded(WRITE)
        public String note(String session, String turn, String gate) {
            work(session, turn, Mode.WRITE, gate);
            return "noted";
        }

        @Guarded(READ)
        public String look(String session, String turn, String gate) {
            work(session, turn, Mode.READ, gate);
            return "looked";
        }
    }
}
