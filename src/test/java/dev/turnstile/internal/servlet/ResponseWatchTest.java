package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.turnstile.CallClass;
import dev.turnstile.ToolClasses;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What reading along a response teaches, from the bytes a server writes, in any chunks. */
class ResponseWatchTest {

    /** Records what it is told. */
    private static final class Recorder implements ToolClasses {
        final List<String> told = new ArrayList<>();

        @Override
        public CallClass classOf(String endpoint, String tool) {
            return null;
        }

        @Override
        public void learn(String endpoint, String cursor, Map<String, Boolean> hints, String next) {
            told.add("learn " + endpoint + " " + cursor + " " + new java.util.TreeMap<>(hints) + " " + next);
        }

        @Override
        public void forget(String endpoint) {
            told.add("forget " + endpoint);
        }
    }

    private final Recorder recorder = new Recorder();

    private static String result(Object id, String tools, String next) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"tools\":[" + tools + "]"
                + (next == null ? "" : ",\"nextCursor\":\"" + next + "\"") + "}}";
    }

    private static final String TOOLS = "{\"name\":\"fetch_invoice\",\"annotations\":{\"readOnlyHint\":true}},"
            + "{\"name\":\"get_x\",\"annotations\":{\"readOnlyHint\":false}},{\"name\":\"plain\"}";

    private void feed(Map<String, String> requests, String contentType, String body, int chunk) {
        ResponseWatch watch = new ResponseWatch(recorder, "/mcp", requests, () -> contentType, 100);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            watch.wrote(bytes, i, Math.min(chunk, bytes.length - i));
        }
        watch.ended();
    }

    @Test
    void aJsonAnswerToTheExchangesListRequestTeachesItsHints() {
        for (int chunk : new int[] {1, 7, 100000}) {
            recorder.told.clear();
            feed(Map.of("n:7", "c0"), "application/json; charset=utf-8", result("7.0", TOOLS, "c1"), chunk);
            assertEquals(List.of("learn /mcp c0 {fetch_invoice=true, get_x=false} c1"), recorder.told);
        }
    }

    @Test
    void anSseAnswerIsReadEventByEventAndAListChangedForgets() {
        String stream = ": comment\r\nid: 1\r\ndata: " + result("\"a\"", TOOLS, null) + "\r\n\r\n"
                + "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n";
        for (int chunk : new int[] {1, 3, 100000}) {
            recorder.told.clear();
            feed(Map.of("s:a", ""), "text/event-stream", stream, chunk);
            assertEquals(List.of("learn /mcp  {fetch_invoice=true, get_x=false} null", "forget /mcp"), recorder.told);
        }
    }

    @Test
    void aStreamOfLargeToolResultsStillShowsItsListChanged() {
        String big = "data: {\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""
                + "x".repeat(20000) + "\"}]}}\n\n";
        String changed = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n";
        feed(Map.of(), "text/event-stream", big + changed + big, 1000);
        assertEquals(List.of("forget /mcp"), recorder.told);
    }

    @Test
    void nothingIsLearnedFromAnswersToOtherIdsOrFromBodiesWithoutAListRequest() {
        feed(Map.of("n:8", ""), "application/json", result(7, TOOLS, null), 5);
        feed(Map.of(), "application/json", result(7, TOOLS, null), 5); // e.g. a client posted it: no list request
        feed(Map.of(), "text/event-stream", "data: " + result(7, TOOLS, null) + "\n\n", 5);
        assertEquals(List.of(), recorder.told);
    }

    @Test
    void malformedTruncatedOrOversizedResultsTeachNothing() {
        feed(
                Map.of("n:1", ""),
                "application/json",
                result(1, "{\"name\":\"x\",\"annotations\":{\"readOnlyHint\":\"yes\"}}", null),
                9);
        feed(Map.of("n:1", ""), "application/json", result(1, TOOLS, null).substring(0, 40), 9);
        feed(Map.of("n:1", ""), "application/json", result(1, TOOLS + ",{\"name\":\"fetch_invoice\"}", null), 9);
        String huge = "{\"name\":\"big\",\"description\":\"" + "x".repeat(ResponseWatch.MAX_MESSAGE) + "\"}";
        feed(Map.of("n:1", ""), "application/json", result(1, huge + "," + TOOLS, null), 1 << 16);
        feed(Map.of("n:1", ""), "text/event-stream", "data: " + result(1, huge + "," + TOOLS, null) + "\n\n", 1 << 16);
        feed(Map.of("n:1", ""), "text/plain", result(1, TOOLS, null), 9);
        assertEquals(List.of(), recorder.told);
    }

    @Test
    void whatTheServerPrintsPassesUnchangedAndIsReadAlongLineByLine() throws Exception {
        java.io.StringWriter sent = new java.io.StringWriter();
        java.io.PrintWriter container = new java.io.PrintWriter(sent);
        jakarta.servlet.http.HttpServletResponse raw =
                (jakarta.servlet.http.HttpServletResponse) java.lang.reflect.Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {jakarta.servlet.http.HttpServletResponse.class},
                        (proxy, method, args) -> switch (method.getName()) {
                            case "getWriter" -> container;
                            case "getContentType" -> "text/event-stream";
                            case "getCharacterEncoding" -> "UTF-8";
                            default -> throw new UnsupportedOperationException(method.getName());
                        });
        ResponseWatch watch = new ResponseWatch(recorder, "/mcp", Map.of(), raw::getContentType, 100);
        WatchedResponse response = new WatchedResponse(raw, watch);
        java.io.PrintWriter out = response.getWriter();
        out.println("event: message");
        out.print("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\",\"params\":{\"é\":1}}");
        out.println();
        out.println();
        out.flush();
        response.ended();
        String expected = "event: message" + System.lineSeparator() + "data: {\"jsonrpc\":\"2.0\",\"method\":"
                + "\"notifications/tools/list_changed\",\"params\":{\"é\":1}}" + System.lineSeparator()
                + System.lineSeparator();
        assertEquals(expected, sent.toString(), "passed on unchanged");
        assertEquals(List.of("forget /mcp"), recorder.told);
    }
}
