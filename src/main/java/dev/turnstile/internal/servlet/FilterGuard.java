package dev.turnstile.internal.servlet;

import dev.turnstile.Classifier;
import dev.turnstile.Mode;
import dev.turnstile.Permit;
import dev.turnstile.ToolClasses;
import dev.turnstile.Turnstile;
import dev.turnstile.config.GuardOptions;
import dev.turnstile.config.KeySource;
import dev.turnstile.config.WaitMode;
import dev.turnstile.internal.jsonrpc.JsonRpcException;
import dev.turnstile.internal.jsonrpc.JsonRpcMessage;
import dev.turnstile.internal.jsonrpc.JsonRpcSniffer;
import dev.turnstile.internal.jsonrpc.SniffResult;
import dev.turnstile.jsonrpc.JsonPointer;
import dev.turnstile.jsonrpc.JsonRpcErrors;
import dev.turnstile.servlet.TurnstileAttributes;
import dev.turnstile.servlet.TurnstileFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every call through one {@link TurnstileFilter} shares: the engine, the options, the body
 * sniffer and classifier, and what the filter learned about its registration at the first call that
 * had to wait (no Servlet API tells it at start): each misregistration is logged once.
 */
final class FilterGuard {

    /**
     * Added to the acquire timeout for the asynchronous timeout of a waiting request: the engine
     * decides at the deadline, plus at most one attempt's round trip.
     */
    static final Duration WAIT_TIMEOUT_MARGIN = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(TurnstileFilter.class);

    private final Turnstile turnstile;
    private final GuardOptions options;
    private final RequestClassifier classifier;
    private final JsonRpcSniffer sniffer;
    private final AtomicBoolean waitsOnThread = new AtomicBoolean();
    private final AtomicBoolean asyncPassMissed = new AtomicBoolean();
    private final AtomicBoolean unkeyedSeen = new AtomicBoolean();

    FilterGuard(Turnstile turnstile, Classifier classifier, GuardOptions options) {
        this.turnstile = turnstile;
        this.options = options;
        this.classifier = new RequestClassifier(classifier);
        this.sniffer = new JsonRpcSniffer(options.maxJsonDepth(), metaPointers(options));
    }

    /** The {@code _meta} members the sources read: {@code meta:} pointers, and the baggage of SEP-414. */
    private static List<JsonPointer> metaPointers(GuardOptions options) {
        List<JsonPointer> pointers = new ArrayList<>(
                options.keys().metaSources().stream().map(KeySource::pointer).toList());
        boolean baggage = Stream.concat(options.keys().keySources().stream(), options.keys().turnSources().stream())
                .anyMatch(s -> s.kind() == KeySource.Kind.BAGGAGE);
        if (baggage && !pointers.contains(Baggage.META_POINTER)) {
            pointers.add(Baggage.META_POINTER);
        }
        return pointers;
    }

    GuardOptions options() {
        return options;
    }

    /**
     * Requests that pass untouched, without reading their body: anything but POST, and a request that
     * already holds its place. Every other POST is read: its key may be in its body, and its era is.
     */
    boolean skips(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getAttribute(TurnstileAttributes.PERMIT) != null;
    }

    /** The body, read once, bounded; JSON-RPC bodies are UTF-8 (RFC 8259), so another declared charset is refused. */
    BodyReader.Body readBody(HttpServletRequest request) {
        String charset = request.getCharacterEncoding();
        if (charset != null && !charset.equalsIgnoreCase("UTF-8") && !charset.equalsIgnoreCase("UTF8")) {
            // a server decoding another charset could read other names than the filter did
            throw new JsonRpcException(
                    JsonRpcErrors.PARSE_ERROR, JsonRpcErrors.INVALID_UTF8, "request body must be UTF-8");
        }
        try {
            return BodyReader.read(request, options.maxBodySize());
        } catch (BodyReader.TooLarge e) {
            throw new JsonRpcException(
                    JsonRpcErrors.INVALID_REQUEST, JsonRpcErrors.BODY_TOO_LARGE, "request body too large");
        } catch (IOException e) {
            LOG.debug("request body could not be read: {}", e.toString());
            throw new JsonRpcException(JsonRpcErrors.PARSE_ERROR, null, "request body could not be read");
        }
    }

    /**
     * Reads the body as JSON-RPC; an MCP 2026-07-28 request's routing headers are checked against it
     * before it is classified.
     *
     * @throws JsonRpcException a body that is no JSON-RPC message
     * @throws HeaderMismatchException routing headers unlike the body (with the request's id)
     * @throws RequestClassifier.Unclassifiable a {@code tools/call} whose params cannot be classified
     */
    Call classify(BodyReader.Body body, HttpServletRequest request, java.util.function.Consumer<Call> answeredAs) {
        SniffResult sniffed = sniffer.sniff(body.bytes(), body.length());
        JsonRpcMessage first = sniffed.messages().get(0);
        if (!sniffed.batch() && first.isRequest() && first.protocolVersion() != null) {
            answeredAs.accept(Call.echo(first.rawId(), true));
            RoutingHeaders.verify(request, first);
        }
        String endpoint = GuardedRequests.endpoint(request);
        ToolClasses classes = toolClasses();
        Call call = classifier.classify(sniffed, tool -> classes.classOf(endpoint, tool));
        GuardedRequests.rememberBody(request, sniffed.batch() ? Map.of() : first.meta(), call.mcp2026());
        return call;
    }

    /** What the store learned about tools, or nothing when learning is off. */
    ToolClasses toolClasses() {
        return options.learnAnnotations() ? turnstile.toolClasses() : ToolClasses.NONE;
    }

    /**
     * The response of a call, read along when it may teach tool classes: the answer to its
     * {@code tools/list} request, and the streams on which servers send {@code tools/list_changed}
     * (the GET stream; MCP 2026-07-28's {@code subscriptions/listen}). Null when learning is off or
     * the response can teach nothing: MCP asks servers to send on a request's own stream only
     * messages that relate to that request, so the answers to tool calls are not read.
     */
    WatchedResponse watch(HttpServletRequest request, HttpServletResponse response, Call call) {
        boolean teaches =
                "GET".equals(request.getMethod()) || !call.listRequests().isEmpty() || call.listens();
        if (!options.learnAnnotations() || !teaches) {
            return null; // the stream of another request carries only messages that relate to it (MCP)
        }
        return new WatchedResponse(
                response,
                new ResponseWatch(
                        turnstile.toolClasses(),
                        GuardedRequests.endpoint(request),
                        call.listRequests(),
                        response::getContentType,
                        options.maxJsonDepth()));
    }

    /**
     * The key of a guarded call's conversation, or null when it goes on unguarded (logged once).
     *
     * @throws UnkeyedCallException with {@code unkeyed=reject}
     */
    String conversationKey(HttpServletRequest request, Call call) {
        String key = GuardedRequests.conversationKey(request, call.metas(), options);
        if (key == null && unkeyedSeen.compareAndSet(false, true)) {
            LOG.warn(
                    "A guarded call carried no conversation key (looked for: {}) and went on unguarded"
                            + " (unkeyed={}; logged once). Clients of servers without sessions (MCP 2026-07-28, stateless"
                            + " servers) send no Mcp-Session-Id: name where yours put a conversation id in key-sources"
                            + " (TURNSTILE_KEY_SOURCES, e.g. header:X-Conversation-Id), or set unkeyed=principal or reject",
                    options.keys().keySources(),
                    options.keys().unkeyed().name().toLowerCase(java.util.Locale.ROOT));
        }
        return key;
    }

    /**
     * Takes a place. Asynchronously by default: a stage that is complete at once when the place was
     * free; waiting on this thread with {@code wait-mode=blocking}, or once an ASYNC dispatch was
     * seen to miss the filter.
     */
    CompletableFuture<Permit> acquire(String sessionKey, String turn, Mode mode) {
        if (options.waitMode() == WaitMode.BLOCKING || asyncPassMissed.get()) {
            return Stages.of(() -> turnstile.acquire(sessionKey, turn, mode));
        }
        return turnstile.acquireAsync(sessionKey, turn, mode).toCompletableFuture();
    }

    /** Whether a call that has to wait may give its thread back: its request must be async-supported. */
    boolean canWaitAsync(HttpServletRequest request) {
        if (request.isAsyncSupported()) {
            return true;
        }
        waitsOnThread("its request is not async-supported");
        return false;
    }

    /** The request of a call that has to wait refused to go async: the call waits on its thread. */
    void cannotGoAsync(IllegalStateException e) {
        waitsOnThread("its request cannot go async (" + e.getMessage() + ")");
    }

    private void waitsOnThread(String why) {
        if (waitsOnThread.compareAndSet(false, true)) {
            LOG.warn(
                    "A guarded call has to wait, but " + why + ": calls that wait hold their container thread"
                            + " (logged once). Register the Turnstile filter and every filter before it async-supported"
                            + " (<async-supported>true</async-supported>, or setAsyncSupported(true)); the MCP servlet needs it too");
        }
    }

    /** The asynchronous timeout of a waiting request: never shorter than its acquire deadline. */
    long waitTimeoutMillis() {
        return turnstile.config().acquireTimeout().plus(WAIT_TIMEOUT_MARGIN).toMillis();
    }

    /** Whether a call of this mode goes on unguarded while the store is unreachable. */
    boolean failsOpen(Mode mode) {
        return options.failOpen(mode);
    }

    /** Tells the engine's listener that a call goes on unguarded (fail-open). */
    void reportFailOpen(Mode mode) {
        turnstile.reportFailOpen(mode);
    }

    /**
     * A call that waited was resumed without passing through the filter: the container runs the
     * server directly on an ASYNC dispatch. Logged once; from now on calls that have to wait hold
     * their thread, so that they keep working.
     */
    void asyncPassMissed() {
        if (asyncPassMissed.compareAndSet(false, true)) {
            LOG.error("A call that waited for its place was resumed (ASYNC dispatch) without passing through the"
                    + " Turnstile filter: the server ran it without Turnstile's request attributes. Map the filter for"
                    + " ASYNC dispatches too: <dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher> in its"
                    + " <filter-mapping>, or addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST,"
                    + " DispatcherType.ASYNC), ...). Until then, calls that have to wait hold their container thread");
        }
    }
}
