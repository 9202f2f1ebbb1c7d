package dev.turnstile.examples.springai;

import java.time.Instant;

/** When a tool ran: wall clock, microseconds since the epoch, both taken inside the tool. */
public record Interval(long startedAtMicros, long endedAtMicros) {

    /** Runs for {@code holdMs} milliseconds and returns when that was. */
    public static Interval hold(long holdMs) throws InterruptedException {
        long start = nowMicros();
        if (holdMs > 0) {
            Thread.sleep(holdMs);
        }
        return new Interval(start, nowMicros());
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
