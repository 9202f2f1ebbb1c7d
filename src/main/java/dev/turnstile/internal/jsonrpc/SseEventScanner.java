package dev.turnstile.internal.jsonrpc;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Finds the data of the events in a {@code text/event-stream} body as it is written, in chunks of
 * any size, by the WHATWG HTML "event stream interpretation" rules: one leading UTF-8 byte order
 * mark is skipped; lines end in CRLF, LF or CR (also when a CRLF is split between two writes); a
 * line that starts with {@code :} is a comment; a line {@code data:value} (one space after the colon
 * is removed; a line {@code data} without colon counts with an empty value) adds its value to the
 * event's data, lines joined with LF; other fields are ignored; an empty line dispatches the event,
 * which is delivered when it had at least one {@code data} line. Bytes are passed on undecoded.
 *
 * <p>Memory is bounded whatever the stream: the data of the event being read is kept up to
 * {@code maxEventBytes} bytes; an event whose data grows beyond that is dropped (not delivered) and
 * its further data discarded as it arrives; lines themselves are never buffered. An event not yet
 * dispatched when {@link #end()} is called is discarded, as the rules say for the end of a stream.
 * One instance per stream; not thread-safe.
 */
public final class SseEventScanner {

    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    /** A data buffer larger than this is let go after each event. */
    private static final int RETAINED_CAPACITY = 64 * 1024;

    private enum State {
        LINE_START,
        FIELD,
        DATA_SPACE,
        DATA_VALUE,
        IGNORE
    }

    private final int maxEventBytes;
    private final Consumer<byte[]> onEventData;
    private final byte[] single = new byte[1];
    private final EventData data;
    private int byteOrderMarkMatched; // -1 once the start of the stream is behind us
    private boolean afterCr;
    private State state = State.LINE_START;
    private int fieldLength;
    private boolean fieldIsData;
    private boolean ended;

    /**
     * @param maxEventBytes the most data bytes one event may have to be delivered, at least 0
     * @param onEventData   receives the data of each dispatched event (a fresh array, UTF-8 as sent),
     *                      on the thread that writes; what it throws propagates to that write
     */
    public SseEventScanner(int maxEventBytes, Consumer<byte[]> onEventData) {
        if (maxEventBytes < 0) {
            throw new IllegalArgumentException("maxEventBytes must not be negative, was " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
        this.onEventData = Objects.requireNonNull(onEventData, "onEventData");
        this.data = new EventData(maxEventBytes, RETAINED_CAPACITY);
    }

    /** @return the limit this scanner was built with */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /**
     * Reads {@code b[off, off + len)}, the next bytes of the stream; ignored after {@link #end()}.
     *
     * @param b   the bytes written to the response
     * @param off where they start in {@code b}
     * @param len how many there are
     */
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        int end = off + len;
        int i = off;
        while (i < end && byteOrderMarkMatched >= 0 && !ended) {
            byteOrderMark(b[i++]);
        }
        while (i < end && !ended) {
            i = step(b, i, end);
        }
    }

    /**
     * Reads one byte of the stream; ignored after {@link #end()}.
     *
     * @param b the byte, in the low eight bits (as {@link java.io.OutputStream#write(int)} has it)
     */
    public void write(int b) {
        single[0] = (byte) b;
        write(single, 0, 1);
    }

    /** The stream has ended: an event not yet dispatched is discarded, later writes are ignored. */
    public void end() {
        ended = true;
        data.clear();
    }

    /** The bytes held for the event being read (the capacity of its buffer), for tests. */
    int bufferedBytes() {
        return data.capacity();
    }

    /** At the very start: holds the bytes of a byte order mark, replays them when it is not one. */
    private void byteOrderMark(byte b) {
        if (b == BYTE_ORDER_MARK[byteOrderMarkMatched]) {
            byteOrderMarkMatched = byteOrderMarkMatched == 2 ? -1 : byteOrderMarkMatched + 1;
            return;
        }
        int held = byteOrderMarkMatched;
        byteOrderMarkMatched = -1;
        byte[] replay = Arrays.copyOf(BYTE_ORDER_MARK, held + 1);
        replay[held] = b;
        write(replay, 0, replay.length);
    }

    /** Consumes what can be consumed at {@code i} in the current state; returns where to go on. */
    private int step(byte[] b, int i, int end) {
        if (state == State.DATA_VALUE || state == State.IGNORE) {
            int eol = lineEnd(b, i, end);
            if (state == State.DATA_VALUE) {
                data.append(b, i, eol - i);
            }
            if (eol < end) {
                endLine(b[eol]);
                return eol + 1;
            }
            return end;
        }
        byte c = b[i];
        if (afterCr) {
            afterCr = false;
            if (c == '\n') {
                return i + 1; // the LF of a CRLF
            }
        }
        if (c == '\r' || c == '\n') {
            endLine(c);
            return i + 1;
        }
        return lineByte(c) ? i + 1 : i;
    }

    /** A byte of the field name or just after the colon; false when it is left for the value. */
    private boolean lineByte(byte c) {
        switch (state) {
            case LINE_START -> {
                state = c == ':' ? State.IGNORE : State.FIELD;
                fieldLength = 0;
                fieldIsData = true;
                return c == ':' || fieldByte(c);
            }
            case FIELD -> {
                return fieldByte(c);
            }
            default -> { // DATA_SPACE
                state = State.DATA_VALUE;
                return c == ' ';
            }
        }
    }

    /** A byte of a field name that is still a prefix of {@code data}; any other name is ignored at once. */
    private boolean fieldByte(byte c) {
        if (c != ':') {
            fieldIsData = fieldLength < DATA.length && c == DATA[fieldLength];
            fieldLength++;
            state = fieldIsData ? State.FIELD : State.IGNORE;
        } else if (isDataField()) {
            data.beginLine();
            state = State.DATA_SPACE;
        } else {
            state = State.IGNORE;
        }
        return true;
    }

    private boolean isDataField() {
        return fieldIsData && fieldLength == DATA.length;
    }

    private void endLine(byte c) {
        afterCr = c == '\r';
        if (state == State.LINE_START) {
            dispatch();
        } else if (state == State.FIELD && isDataField()) {
            data.beginLine(); // "data" without a colon: an empty value
        }
        state = State.LINE_START;
    }

    private void dispatch() {
        byte[] event = data.take();
        if (event != null) {
            onEventData.accept(event);
        }
    }

    private static int lineEnd(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                return i;
            }
        }
        return end;
    }
}
