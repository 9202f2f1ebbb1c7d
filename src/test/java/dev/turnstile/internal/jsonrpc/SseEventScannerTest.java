package dev.turnstile.internal.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scanner finds the data of each event by the WHATWG rules, however the stream is cut, in bounded memory. */
class SseEventScannerTest {

    private static final int MAX = 1 << 20;

    /** Records the data of each delivered event as ISO-8859-1 text (byte for byte). */
    private static final class Recorder {
        final List<String> events = new ArrayList<>();
        final SseEventScanner scanner;

        Recorder(int max) {
            scanner = new SseEventScanner(max, data -> events.add(new String(data, StandardCharsets.ISO_8859_1)));
        }
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> scan(String stream) {
        Recorder recorder = new Recorder(MAX);
        byte[] b = bytes(stream);
        recorder.scanner.write(b, 0, b.length);
        return recorder.events;
    }

    // ---------------------------------------------------------------- the parsing rules

    @Test
    void shouldDeliverTheDataOfEachEvent() {
        assertEquals(
                List.of("{\"a\":1}", "{\"b\":2}"),
                scan("event: message\ndata: {\"a\":1}\n\nid: 7\ndata: {\"b\":2}\n\n"));
    }

    @Test
    void shouldJoinTheDataLinesOfOneEventWithLineFeeds() {
        assertEquals(List.of("a\nb\n\nc"), scan("data: a\ndata: b\ndata:\ndata: c\n\n"));
    }

    @Test
    void shouldEndLinesAtCrLfAtLfAndAtCr() {
        assertEquals(List.of("a\nb", "c", "d\ne"), scan("data: a\r\ndata: b\r\n\r\ndata: c\r\rdata: d\rdata: e\n\n"));
    }

    @Test
    void shouldRemoveExactlyOneSpaceAfterTheColon() {
        assertEquals(List.of("x", " x", "x ", "\tx"), scan("data:x\n\ndata:  x\n\ndata: x \n\ndata: \tx\n\n"));
    }

    @Test
    void shouldCountADataLineWithoutColonAsAnEmptyValue() {
        assertEquals(List.of("", "\na"), scan("data\n\ndata\ndata: a\n\n"));
    }

    @Test
    void shouldIgnoreCommentsAndOtherFields() {
        assertEquals(
                List.of("real"),
                scan(": data: not this\n:\nevent: x\nid: 1\nretry: 10\nfoo: bar\n"
                        + "Data: no\ndat: no\ndatas: no\ndataa\n data: no\ndata: real\n\n"));
    }

    @Test
    void shouldNotDeliverAnEventWithoutData() {
        assertEquals(List.of(), scan("event: x\nid: 1\n\n: comment\n\n\n\n"));
    }

    @Test
    void shouldSkipOneByteOrderMarkAtTheVeryStartOnly() {
        String bom = "\u00EF\u00BB\u00BF";
        assertEquals(List.of("a"), scan(bom + "data: a\n\n"));
        assertEquals(List.of("b"), scan(bom + bom + "data: a\n\ndata: b\n\n"), "a second mark is part of a field name");
        assertEquals(List.of(bom + "c"), scan("data: " + bom + "c\n\n"));
        assertEquals(List.of("x"), scan("\u00EF\u00BBdata: no\n\ndata: x\n\n"), "half a mark is kept");
        assertEquals(List.of("y"), scan("\u00EF\n\ndata: y\n\n"));
        assertEquals(List.of("z"), scan("\u00EF\u00BB\n\ndata: z\n\n"));
    }

    @Test
    void shouldDiscardAnUnfinishedEventAtTheEndAndIgnoreLaterWrites() {
        Recorder recorder = new Recorder(MAX);
        byte[] b = bytes("data: done\n\ndata: unfinished\n");
        recorder.scanner.write(b, 0, b.length);
        recorder.scanner.end();
        byte[] more = bytes("\ndata: late\n\n");
        recorder.scanner.write(more, 0, more.length);
        assertEquals(List.of("done"), recorder.events);
    }

    @Test
    void shouldNotDispatchALastEventThatEndsWithoutAnEmptyLine() {
        Recorder recorder = new Recorder(MAX);
        byte[] b = bytes("data: a\n\ndata: b");
        recorder.scanner.write(b, 0, b.length);
        recorder.scanner.end();
        assertEquals(List.of("a"), recorder.events);
    }

    @Test
    void shouldTreatACrLfSplitBetweenTwoWritesAsOneLineEnd() {
        Recorder recorder = new Recorder(MAX);
        byte[] first = bytes("data: a\r");
        byte[] second = bytes("\ndata: b\r");
        byte[] third = bytes("\n\r");
        byte[] fourth = bytes("\n");
        recorder.scanner.write(first, 0, first.length);
        recorder.scanner.write(second, 0, second.length);
        recorder.scanner.write(third, 0, third.length);
        assertEquals(List.of("a\nb"), recorder.events, "CR LF across writes is one line end, CR alone ends a line");
        recorder.scanner.write(fourth, 0, fourth.length);
        assertEquals(List.of("a\nb"), recorder.events, "the LF after that CR is part of the same line end");
    }

    @Test
    void shouldDeliverAFreshArrayForEachEvent() {
        List<byte[]> delivered = new ArrayList<>();
        SseEventScanner scanner = new SseEventScanner(MAX, delivered::add);
        byte[] b = bytes("data: same\n\ndata: same\n\n");
        scanner.write(b, 0, b.length);
        assertEquals(2, delivered.size());
        assertNotSame(delivered.get(0), delivered.get(1));
        assertEquals("same", new String(delivered.get(0), StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldReadOnlyTheGivenRangeAndCheckIt() {
        Recorder recorder = new Recorder(MAX);
        byte[] b = bytes("XXdata: a\n\nYY");
        recorder.scanner.write(b, 2, b.length - 4);
        assertEquals(List.of("a"), recorder.events);
        assertThrows(IndexOutOfBoundsException.class, () -> recorder.scanner.write(b, 5, b.length));
        assertThrows(IllegalArgumentException.class, () -> new SseEventScanner(-1, d -> {}));
    }

    // ---------------------------------------------------------------- chunk boundaries

    private static final String RICH = "\u00EF\u00BB\u00BF: hi\r\nevent: message\r\n"
            + "data: {\"jsonrpc\":\"2.0\",\"id\":1,"
            + "\"result\":{\"tools\":[]}}\r\n\r\ndata:one\rdata:  two\r\rid: 3\ndata\n\ndata: \u00C3\u00A9\n"
            + "retry: 5\r\n\r\n:\n\ndata: last\r\n\r\ndata: unfinished\r\n";

    @Test
    void shouldFindTheSameEventsWhereverTheStreamIsSplit() {
        List<String> whole = scan(RICH);
        assertEquals(
                List.of(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}",
                        "one\n two",
                        "",
                        "\u00C3\u00A9",
                        "last"),
                whole);
        byte[] b = bytes(RICH);
        for (int cut = 0; cut <= b.length; cut++) {
            Recorder recorder = new Recorder(MAX);
            recorder.scanner.write(b, 0, cut);
            recorder.scanner.write(b, cut, b.length - cut);
            recorder.scanner.end();
            assertEquals(whole, recorder.events, "split at " + cut);
        }
        for (int first = 0; first <= b.length; first++) {
            for (int second = first; second <= b.length; second++) {
                Recorder recorder = new Recorder(MAX);
                recorder.scanner.write(b, 0, first);
                recorder.scanner.write(b, first, second - first);
                recorder.scanner.write(b, second, b.length - second);
                assertEquals(whole, recorder.events, "split at " + first + " and " + second);
            }
        }
    }

    @Test
    void shouldFindTheSameEventsWhenTheStreamComesByteByByte() {
        Recorder recorder = new Recorder(MAX);
        for (byte x : bytes(RICH)) {
            recorder.scanner.write(x);
        }
        assertEquals(scan(RICH), recorder.events);
    }

    @Test
    void shouldAgreeWithAPlainReadingOfTheRulesForRandomStreamsCutAtRandom() {
        String[] pieces = {
            "data",
            "data:",
            "data: ",
            ":",
            " ",
            "x",
            "y",
            "\r",
            "\n",
            "\r\n",
            "event: e",
            "id",
            "\u00EF\u00BB\u00BF",
            "\u00EF",
            "dat",
            "a",
            "\u00C3\u00A9"
        };
        Random random = new Random(3);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder stream = new StringBuilder();
            for (int n = random.nextInt(40); n > 0; n--) {
                stream.append(pieces[random.nextInt(pieces.length)]);
            }
            int max = random.nextInt(12);
            byte[] b = bytes(stream.toString());
            Recorder recorder = new Recorder(max);
            for (int at = 0; at < b.length; ) {
                int len = Math.min(b.length - at, random.nextInt(6));
                recorder.scanner.write(b, at, len);
                at += len;
            }
            recorder.scanner.end();
            assertEquals(reference(stream.toString(), max), recorder.events, () -> "stream " + escape(stream));
        }
    }

    /** The rules read literally: the whole stream split into lines, each line looked at in turn. */
    private static List<String> reference(String stream, int max) {
        String text = stream.startsWith("\u00EF\u00BB\u00BF") ? stream.substring(3) : stream;
        List<String> events = new ArrayList<>();
        StringBuilder data = null;
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length - 1; i++) { // the last piece has no line end: never processed
            String line = lines[i];
            if (line.isEmpty()) {
                if (data != null && data.length() <= max) {
                    events.add(data.toString());
                }
                data = null;
            } else if (line.equals("data") || line.startsWith("data:")) {
                String value = line.length() <= 5 ? "" : line.substring(line.charAt(5) == ' ' ? 6 : 5);
                data = data == null
                        ? new StringBuilder(value)
                        : data.append('\n').append(value);
            }
        }
        return events;
    }

    private static String escape(CharSequence text) {
        return text.toString().replace("\r", "\\r").replace("\n", "\\n");
    }

    // ---------------------------------------------------------------- bounded memory

    @Test
    void shouldDropATenMegabyteEventAndStillDeliverTheNext() {
        Recorder recorder = new Recorder(1024);
        byte[] head = bytes("data: ");
        recorder.scanner.write(head, 0, head.length);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        for (int written = 0; written < 10 << 20; written += chunk.length) {
            recorder.scanner.write(chunk, 0, chunk.length);
            assertTrue(recorder.scanner.bufferedBytes() <= 1024, "buffered " + recorder.scanner.bufferedBytes());
        }
        byte[] tail = bytes("\n\ndata: next\n\n");
        recorder.scanner.write(tail, 0, tail.length);
        assertEquals(List.of("next"), recorder.events);
    }

    @Test
    void shouldStayWithinTheLimitWhenTheStreamNeverEndsAnEvent() {
        Recorder recorder = new Recorder(1000);
        byte[] line = bytes("data: " + "y".repeat(90) + "\r\n");
        for (int i = 0; i < 100_000; i++) {
            recorder.scanner.write(line, 0, line.length);
            assertTrue(recorder.scanner.bufferedBytes() <= 1000, "buffered " + recorder.scanner.bufferedBytes());
        }
        byte[] tail = bytes("\r\ndata: next\r\n\r\n");
        recorder.scanner.write(tail, 0, tail.length);
        assertEquals(List.of("next"), recorder.events);
    }

    @Test
    void shouldStayWithinTheLimitForEndlessCommentsAndOtherFields() {
        Recorder recorder = new Recorder(16);
        byte[] junk = bytes(": " + "z".repeat(10_000));
        for (int i = 0; i < 1_000; i++) {
            recorder.scanner.write(junk, 0, junk.length);
            assertTrue(recorder.scanner.bufferedBytes() <= 16);
        }
        byte[] tail = bytes("\nevent" + "e".repeat(100_000) + "\ndata: ok\n\n");
        recorder.scanner.write(tail, 0, tail.length);
        assertEquals(List.of("ok"), recorder.events);
    }

    @Test
    void shouldCountTheJoiningLineFeedsTowardTheLimit() {
        assertEquals(List.of("12345678"), scanWithLimit(8, "data: 12345678\n\n"));
        assertEquals(List.of(), scanWithLimit(8, "data: 123456789\n\n"));
        assertEquals(List.of("1234\n567"), scanWithLimit(8, "data: 1234\ndata: 567\n\n"));
        assertEquals(List.of("ok"), scanWithLimit(8, "data: 1234\ndata: 5678\n\ndata: ok\n\n"));
        assertEquals(List.of(""), scanWithLimit(0, "data\n\ndata: x\n\n"));
    }

    private static List<String> scanWithLimit(int max, String stream) {
        Recorder recorder = new Recorder(max);
        byte[] b = bytes(stream);
        recorder.scanner.write(b, 0, b.length);
        return recorder.events;
    }
}
