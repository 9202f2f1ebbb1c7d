package dev.turnstile.bench;

import java.util.Arrays;

/** A growable array of longs (latency samples without boxing). */
final class LongList {

    private long[] values = new long[1024];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    long[] toArray() {
        return Arrays.copyOf(values, size);
    }

    static long[] concat(Iterable<LongList> lists) {
        int total = 0;
        for (LongList l : lists) {
            total += l.size;
        }
        long[] all = new long[total];
        int at = 0;
        for (LongList l : lists) {
            System.arraycopy(l.values, 0, all, at, l.size);
            at += l.size;
        }
        return all;
    }
}
