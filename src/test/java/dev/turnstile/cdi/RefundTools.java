package dev.turnstile.cdi;

// spotless:off (the README shows this file as written, with its import and aligned comments)
// tag::cdi[]
import static dev.turnstile.cdi.Guarded.Access.READ;
import static dev.turnstile.cdi.Guarded.Access.WRITE;

import dev.turnstile.cdi.Guarded;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class RefundTools {

    @Guarded(WRITE)                       // runs alone in its turn
    public String createRefund(String chargeId) {
        return "refunded " + chargeId;
    }

    @Guarded(READ)                        // runs beside other reads of its turn
    public String getBalance() {
        return "balance";
    }

    @Guarded(tool = "lookup_charge")      // classified like the tool call of that name
    public String lookupCharge(String chargeId) {
        return "charge " + chargeId;
    }
}
// end::cdi[]
// spotless:on
