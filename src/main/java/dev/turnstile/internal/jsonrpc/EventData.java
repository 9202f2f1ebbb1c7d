package dev.turnstile.internal.jsonrpc;

import java.util.Arrays;

/**
 * The data of the event being read by {@link SseEventScanner}: its {@code data} lines joined with
 * LF, never more than {@code max} bytes. Data that would grow beyond it marks the event as dropped
 * and is let go at once.
 */
final class EventData {

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] LF = {'\n'};

    private final int max;
    private final int retainedCapacity;
    private byte[] buf = EMPTY;
    private int length;
    private boolean hasData;
    private boolean dropped;

    EventData(int max, int retainedCapacity) {
        this.max = max;
        this.retainedCapacity = retainedCapacity;
    }

    /** A {@code data} line begins: LF before it unless it is the event's first. */
    void beginLine() {
        if (hasData) {
            append(LF, 0, 1);
        }
        hasData = true;
    }

    void append(byte[] b, int from, int n) {
        if (dropped || n == 0) {
            return;
        }
        if (n > max - length) {
            dropped = true;
            length = 0;
            buf = EMPTY;
            return;
        }
        if (length + n > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(length + n, Math.max(64L, 2L * buf.length))));
        }
        System.arraycopy(b, from, buf, length, n);
        length += n;
    }

    /** The event is dispatched: its data, or null when it had none or was dropped; then empty again. */
    byte[] take() {
        byte[] event = hasData && !dropped ? Arrays.copyOf(buf, length) : null;
        clear();
        return event;
    }

    int capacity() {
        return buf.length;
    }

    void clear() {
        length = 0;
        hasData = false;
        dropped = false;
        if (buf.length > retainedCapacity) {
            buf = EMPTY;
        }
    }
}
