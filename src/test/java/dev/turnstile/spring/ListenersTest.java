package dev.turnstile.spring;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.turnstile.Mode;
import dev.turnstile.TurnstileListener;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenersTest {

    @Test
    void everyEventOfTheListenerInterfaceIsPassedOn() {
        List<String> missing = new ArrayList<>();
        for (Method method : TurnstileListener.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            try {
                Listeners.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(method.getName());
            }
        }
        assertEquals(List.of(), missing, "events a listener bean would not get when there are several");
    }

    @Test
    void aListenerThatThrowsDoesNotKeepTheEventFromTheOthers() {
        List<String> seen = new ArrayList<>();
        TurnstileListener failing = new TurnstileListener() {
            @Override
            public void leaseLost(String sessionHash, Mode mode) {
                throw new IllegalStateException("listener failure");
            }
        };
        TurnstileListener recording = new TurnstileListener() {
            @Override
            public void leaseLost(String sessionHash, Mode mode) {
                seen.add(sessionHash);
            }
        };
        TurnstileListener both = Listeners.of(List.of(failing, recording));
        assertDoesNotThrow(() -> both.leaseLost("h", Mode.WRITE));
        both.acquired("h", Mode.READ, Duration.ZERO);
        assertEquals(List.of("h"), seen);
    }
}
