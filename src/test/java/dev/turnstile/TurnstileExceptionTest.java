package dev.turnstile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.turnstile.cdi.GuardedBusyException;
import dev.turnstile.internal.jsonrpc.JsonRpcException;
import dev.turnstile.jsonrpc.JsonRpcError;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each exception knows the JSON-RPC error the filter answers a call with when it ends the call. */
class TurnstileExceptionTest {

    private static final int BUSY_CODE = -31002;

    @Test
    void theBusyErrorUsesTheConfiguredCodeAndCarriesItsData() {
        JsonRpcError e = new BusyException(BusyReason.SESSION_BUSY, Duration.ofMillis(1500), 2).jsonRpcError(BUSY_CODE);
        assertEquals(BUSY_CODE, e.code());
        assertEquals(Map.of("reason", "session_busy", "retryAfterMs", 1500L, "queuePosition", 2L), e.data());
    }

    @Test
    void aGuardedBusyExceptionIsTheSameBusyError() {
        BusyException cause = new BusyException(BusyReason.TURN_BUSY, Duration.ofMillis(20));
        BusyException guarded = new GuardedBusyException(cause, cause.jsonRpcError(BUSY_CODE));
        assertEquals(cause.jsonRpcError(BUSY_CODE), guarded.jsonRpcError(BUSY_CODE));
        assertEquals(cause.getMessage(), guarded.getMessage());
        assertEquals(cause, guarded.getCause());
        assertFalse(guarded.queuePosition().isPresent());
    }

    @Test
    void failuresOfTheGuardNameNothingButTheirReason() {
        JsonRpcError backend = new BackendUnavailableException("acquire", new IllegalStateException("redis://secret@h"))
                .jsonRpcError(BUSY_CODE);
        assertEquals(
                new JsonRpcError(-32603, "concurrency guard unavailable", Map.of("reason", "backend_unavailable")),
                backend);
        assertEquals(backend, new AcquireInterruptedException(new InterruptedException()).jsonRpcError(BUSY_CODE));
    }

    @Test
    void requestErrorsKeepTheirCodeMessageAndReason() {
        assertEquals(
                new JsonRpcError(-32600, "invalid turn id: empty", Map.of("reason", "invalid_turn_id")),
                new InvalidTurnIdException("empty").jsonRpcError(BUSY_CODE));
        assertEquals(
                new JsonRpcError(-32700, "nested too deep", Map.of("reason", "too_deep")),
                new JsonRpcException(-32700, "too_deep", "nested too deep").jsonRpcError(BUSY_CODE));
        assertEquals(
                new JsonRpcError(-32700, "bad", Map.of()),
                new JsonRpcException(-32700, null, "bad").jsonRpcError(BUSY_CODE));
    }
}
