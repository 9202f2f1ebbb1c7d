package dev.turnstile.internal.servlet;

import dev.turnstile.ToolClasses;
import dev.turnstile.internal.jsonrpc.JsonRpcIds;
import dev.turnstile.internal.jsonrpc.JsonRpcMessage;
import dev.turnstile.internal.jsonrpc.MalformedToolsListException;
import dev.turnstile.internal.jsonrpc.ServerMessages;
import dev.turnstile.internal.jsonrpc.SseEventScanner;
import dev.turnstile.internal.jsonrpc.ToolsListPage;
import dev.turnstile.internal.jsonrpc.ToolsListReader;
import dev.turnstile.servlet.TurnstileFilter;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads along what the server writes into one response, without holding it back or changing it,
 * and tells the endpoint's {@link ToolClasses} what it learns: the {@code readOnlyHint}s of the
 * server's answer to the {@code tools/list} request of this exchange (matched by id; in a JSON body
 * or in an SSE event; a body with several such requests teaches nothing), and every {@code notifications/tools/list_changed} the server sends on an
 * event stream. It keeps at most {@link #MAX_MESSAGE} bytes of one message; a longer result is
 * ignored (logged once). Nothing it does can fail the response.
 */
final class ResponseWatch {

    private static final Logger LOG = LoggerFactory.getLogger(TurnstileFilter.class);

    /** The largest message (a JSON body or one SSE event) read for learning. */
    static final int MAX_MESSAGE = 4 * 1024 * 1024;
    /**
     * The largest event read on a stream that answers no {@code tools/list}: there only a
     * {@code list_changed} notification (about a hundred bytes) can teach something, so the events
     * of other messages (tool results) are dropped after this many bytes, unread.
     */
    static final int MAX_NOTIFICATION = 2048;

    private static final AtomicBoolean WARNED_LARGE = new AtomicBoolean();
    private static final AtomicBoolean WARNED_MALFORMED = new AtomicBoolean();

    private final ToolClasses classes;
    private final String endpoint;
    private final Map<String, String> listRequests; // canonical id -> the cursor it asked for (null: the first page)
    private final Supplier<String> contentType;
    private final int maxDepth;
    private boolean started;
    private SseEventScanner events;
    private ByteArrayOutputStream json;
    private volatile boolean done;

    /** @param listRequests the {@code tools/list} requests of the exchange: canonical id → cursor (or null) */
    ResponseWatch(
            ToolClasses classes,
            String endpoint,
            Map<String, String> listRequests,
            Supplier<String> contentType,
            int maxDepth) {
        this.classes = classes;
        this.endpoint = endpoint;
        this.listRequests = new HashMap<>(listRequests);
        this.contentType = contentType;
        this.maxDepth = maxDepth;
    }

    /** Whether nothing more can be learned from this response: what is written need not be copied. */
    boolean done() {
        return done;
    }

    /** Bytes the server wrote (already passed on). */
    synchronized void wrote(byte[] b, int off, int len) {
        try {
            if (done || len <= 0) {
                return;
            }
            if (!started) {
                start();
            }
            if (events != null) {
                events.write(b, off, len);
            } else if (json != null) {
                if (json.size() + len > MAX_MESSAGE) {
                    json = null;
                    tooLarge();
                } else {
                    json.write(b, off, len);
                }
            }
        } catch (RuntimeException e) {
            stop(e);
        }
    }

    /** The response is complete: a JSON body is read now. */
    synchronized void ended() {
        try {
            if (!done && json != null) {
                message(json.toByteArray());
            }
            if (events != null) {
                events.end();
            }
        } catch (RuntimeException e) {
            stop(e);
        } finally {
            done = true;
            json = null;
            events = null;
        }
    }

    private void start() {
        started = true;
        String type = contentType.get();
        String mediaType = type == null
                ? ""
                : type.toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
        if (mediaType.equals("text/event-stream")) {
            events = new SseEventScanner(listRequests.isEmpty() ? MAX_NOTIFICATION : MAX_MESSAGE, this::message);
        } else if (mediaType.equals("application/json") && !listRequests.isEmpty()) {
            json = new ByteArrayOutputStream();
        } else {
            done = true;
        }
    }

    private void message(byte[] data) {
        if (ServerMessages.mentionsToolsListChanged(data)) {
            classes.forget(endpoint);
        }
        if (listRequests.isEmpty()) {
            return;
        }
        List<ToolsListPage> pages;
        try {
            pages = ToolsListReader.read(data, 0, data.length, maxDepth);
        } catch (MalformedToolsListException e) {
            if (WARNED_MALFORMED.compareAndSet(false, true)) {
                LOG.warn(
                        "a tools/list result could not be read ({}): nothing learned from it (logged once)",
                        e.getMessage());
            }
            return;
        }
        for (ToolsListPage page : pages) {
            if (listRequests.containsKey(page.id())) {
                classes.learn(endpoint, listRequests.remove(page.id()), page.readOnlyHints(), page.nextCursor());
            }
        }
    }

    private void tooLarge() {
        if (WARNED_LARGE.compareAndSet(false, true)) {
            LOG.warn(
                    "a tools/list result longer than {} bytes was not read: nothing learned from it (logged once)",
                    MAX_MESSAGE);
        }
    }

    private void stop(RuntimeException e) {
        done = true;
        json = null;
        events = null;
        LOG.debug("reading along a response stopped: {}", e.toString());
    }

    /**
     * The canonical id of the body's {@code tools/list} request, with the cursor it asks for; none when
     * the body has no such request, or more than one: answers are told apart by id alone, and two ids
     * a server may read as one value (a batch of {@code 1} and {@code 1.0}, or ids past 2^53 in
     * JavaScript) would let one page pass for another.
     */
    static Map<String, String> listRequests(List<JsonRpcMessage> messages) {
        List<JsonRpcMessage> lists = messages.stream()
                .filter(m -> m.isRequest() && "tools/list".equals(m.method()))
                .toList();
        if (lists.size() != 1) {
            return Map.of();
        }
        Map<String, String> request = new HashMap<>();
        request.put(JsonRpcIds.canonicalId(lists.get(0).rawId()), lists.get(0).cursor());
        return request;
    }
}
