package dev.turnstile.config;

/**
 * How the servlet filter and the {@code @Guarded} interceptor read requests and answer.
 *
 * @param enabled        false turns the guard off entirely (every request passes untouched)
 * @param maxBodySize    the largest request body read, in bytes
 * @param maxJsonDepth   the deepest JSON nesting accepted
 * @param busyCode       the JSON-RPC error code of a busy answer
 * @param failOpenReads  forward read calls unguarded when the store is unreachable
 * @param failOpenWrites forward write calls unguarded when the store is unreachable
 * @param turnHeader     the request header that carries the turn id
 * @param bindPrincipal  key sessions by the authenticated principal too
 * @param waitMode       how the filter waits for a place that is not free at once ({@code @Guarded}
 *                       methods always wait on their thread)
 * @param keys           where a call's conversation key and turn id come from, and what happens
 *                       without a key
 * @param busyCode2026   the JSON-RPC error code of a busy answer to an MCP 2026-07-28 request,
 *                       outside the JSON-RPC range -32768..-32000
 * @param learnAnnotations whether the filter learns tool classes from the {@code readOnlyHint} of the
 *                       {@code tools/list} results that pass through it, and uses what was learned
 */
public record GuardOptions(
        boolean enabled,
        long maxBodySize,
        int maxJsonDepth,
        int busyCode,
        boolean failOpenReads,
        boolean failOpenWrites,
        String turnHeader,
        boolean bindPrincipal,
        WaitMode waitMode,
        ConversationKeys keys,
        int busyCode2026,
        boolean learnAnnotations) {

    /** The MCP session header: {@value}. */
    public static final String SESSION_HEADER = "Mcp-Session-Id";
    /** Default {@code turn-header}: {@value}. */
    public static final String DEFAULT_TURN_HEADER = "X-Mcp-Turn-Id";
    /** Default {@code max-body-size}: 16 MiB. */
    public static final long DEFAULT_MAX_BODY_SIZE = 16L * 1024 * 1024;
    /** Default {@code max-json-depth}: {@value}. */
    public static final int DEFAULT_MAX_JSON_DEPTH = 1000;
    /** Default {@code busy-code}: {@value} (in MCP 2025-x also "resource not found"). */
    public static final int DEFAULT_BUSY_CODE = -32002;
    /** Outside the JSON-RPC range -32768..-32000, as MCP 2026-07-28 asks of application codes. */
    public static final int DEFAULT_BUSY_CODE_2026 = -31002;

    /**
     * Validates the options.
     *
     * @param enabled          false turns the guard off entirely (every request passes untouched)
     * @param maxBodySize      the largest request body read, in bytes
     * @param maxJsonDepth     the deepest JSON nesting accepted
     * @param busyCode         the JSON-RPC error code of a busy answer
     * @param failOpenReads    forward read calls unguarded when the store is unreachable
     * @param failOpenWrites   forward write calls unguarded when the store is unreachable
     * @param turnHeader       the request header that carries the turn id
     * @param bindPrincipal    key sessions by the authenticated principal too
     * @param waitMode         how the filter waits for a place that is not free at once
     * @param keys             where a call's conversation key and turn id come from; null for the defaults
     * @param busyCode2026     the JSON-RPC error code of a busy answer to an MCP 2026-07-28 request
     * @param learnAnnotations whether the filter learns tool classes from {@code readOnlyHint}
     * @throws IllegalArgumentException when the body size is not between 1 byte and 2 GiB, the depth
     *                                  under 1, the turn header not an HTTP header name, or the 2026 busy
     *                                  code inside -32768..-32000; the message names the setting and the value
     * @throws NullPointerException     when {@code waitMode} is null
     */
    public GuardOptions {
        if (maxBodySize < 1 || maxBodySize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max-body-size must be between 1 byte and 2 GiB: '" + maxBodySize + "'");
        }
        if (maxJsonDepth < 1) {
            throw new IllegalArgumentException("max-json-depth must be at least 1: '" + maxJsonDepth + "'");
        }
        if (turnHeader == null || !turnHeader.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new IllegalArgumentException("turn-header must be an HTTP header name: '" + turnHeader + "'");
        }
        java.util.Objects.requireNonNull(waitMode, "wait-mode");
        if (keys == null) {
            keys = ConversationKeys.defaults(turnHeader);
        }
        if (busyCode2026 >= -32768 && busyCode2026 <= -32000) {
            throw new IllegalArgumentException("busy-code-2026 must be outside -32768..-32000 (MCP 2026-07-28"
                    + " forbids -32002, reserves -32020..-32099 and asks application codes to keep out of the"
                    + " JSON-RPC range): '" + busyCode2026 + "'");
        }
    }

    /**
     * Options with the default key sources (the turn from {@code turnHeader}) and 2026 busy code, that
     * learn tool classes from {@code readOnlyHint}.
     *
     * @param enabled        false turns the guard off entirely (every request passes untouched)
     * @param maxBodySize    the largest request body read, in bytes
     * @param maxJsonDepth   the deepest JSON nesting accepted
     * @param busyCode       the JSON-RPC error code of a busy answer
     * @param failOpenReads  forward read calls unguarded when the store is unreachable
     * @param failOpenWrites forward write calls unguarded when the store is unreachable
     * @param turnHeader     the request header that carries the turn id
     * @param bindPrincipal  key sessions by the authenticated principal too
     * @param waitMode       how the filter waits for a place that is not free at once
     * @throws IllegalArgumentException when the body size is not between 1 byte and 2 GiB, the depth
     *                                  under 1, the turn header not an HTTP header name, or the 2026 busy
     *                                  code inside -32768..-32000; the message names the setting and the value
     * @throws NullPointerException     when {@code waitMode} is null
     */
    public GuardOptions(
            boolean enabled,
            long maxBodySize,
            int maxJsonDepth,
            int busyCode,
            boolean failOpenReads,
            boolean failOpenWrites,
            String turnHeader,
            boolean bindPrincipal,
            WaitMode waitMode) {
        this(
                enabled,
                maxBodySize,
                maxJsonDepth,
                busyCode,
                failOpenReads,
                failOpenWrites,
                turnHeader,
                bindPrincipal,
                waitMode,
                null,
                DEFAULT_BUSY_CODE_2026,
                true);
    }

    /**
     * Options that learn tool classes from {@code readOnlyHint}.
     *
     * @param enabled        false turns the guard off entirely (every request passes untouched)
     * @param maxBodySize    the largest request body read, in bytes
     * @param maxJsonDepth   the deepest JSON nesting accepted
     * @param busyCode       the JSON-RPC error code of a busy answer
     * @param failOpenReads  forward read calls unguarded when the store is unreachable
     * @param failOpenWrites forward write calls unguarded when the store is unreachable
     * @param turnHeader     the request header that carries the turn id
     * @param bindPrincipal  key sessions by the authenticated principal too
     * @param waitMode       how the filter waits for a place that is not free at once
     * @param keys           where a call's conversation key and turn id come from; null for the defaults
     * @param busyCode2026   the JSON-RPC error code of a busy answer to an MCP 2026-07-28 request
     * @throws IllegalArgumentException when the body size is not between 1 byte and 2 GiB, the depth
     *                                  under 1, the turn header not an HTTP header name, or the 2026 busy
     *                                  code inside -32768..-32000; the message names the setting and the value
     * @throws NullPointerException     when {@code waitMode} is null
     */
    public GuardOptions(
            boolean enabled,
            long maxBodySize,
            int maxJsonDepth,
            int busyCode,
            boolean failOpenReads,
            boolean failOpenWrites,
            String turnHeader,
            boolean bindPrincipal,
            WaitMode waitMode,
            ConversationKeys keys,
            int busyCode2026) {
        this(
                enabled,
                maxBodySize,
                maxJsonDepth,
                busyCode,
                failOpenReads,
                failOpenWrites,
                turnHeader,
                bindPrincipal,
                waitMode,
                keys,
                busyCode2026,
                true);
    }

    /**
     * Options that wait asynchronously ({@link WaitMode#ASYNC}, the default), with the default key
     * sources and 2026 busy code, that learn tool classes from {@code readOnlyHint}.
     *
     * @param enabled        false turns the guard off entirely (every request passes untouched)
     * @param maxBodySize    the largest request body read, in bytes
     * @param maxJsonDepth   the deepest JSON nesting accepted
     * @param busyCode       the JSON-RPC error code of a busy answer
     * @param failOpenReads  forward read calls unguarded when the store is unreachable
     * @param failOpenWrites forward write calls unguarded when the store is unreachable
     * @param turnHeader     the request header that carries the turn id
     * @param bindPrincipal  key sessions by the authenticated principal too
     * @throws IllegalArgumentException when the body size is not between 1 byte and 2 GiB, the depth
     *                                  under 1, the turn header not an HTTP header name, or the 2026 busy
     *                                  code inside -32768..-32000; the message names the setting and the value
     */
    public GuardOptions(
            boolean enabled,
            long maxBodySize,
            int maxJsonDepth,
            int busyCode,
            boolean failOpenReads,
            boolean failOpenWrites,
            String turnHeader,
            boolean bindPrincipal) {
        this(
                enabled,
                maxBodySize,
                maxJsonDepth,
                busyCode,
                failOpenReads,
                failOpenWrites,
                turnHeader,
                bindPrincipal,
                WaitMode.ASYNC);
    }

    /**
     * Every option at its default: enabled, fail-closed, asynchronous waiting, the default key sources,
     * learning on.
     *
     * @return the default options
     */
    public static GuardOptions defaults() {
        return new GuardOptions(
                true,
                DEFAULT_MAX_BODY_SIZE,
                DEFAULT_MAX_JSON_DEPTH,
                DEFAULT_BUSY_CODE,
                false,
                false,
                DEFAULT_TURN_HEADER,
                false,
                WaitMode.ASYNC,
                null,
                DEFAULT_BUSY_CODE_2026,
                true);
    }

    /**
     * These options with another wait mode.
     *
     * @param mode the wait mode
     * @return a copy with {@code mode}
     */
    public GuardOptions withWaitMode(WaitMode mode) {
        return new GuardOptions(
                enabled,
                maxBodySize,
                maxJsonDepth,
                busyCode,
                failOpenReads,
                failOpenWrites,
                turnHeader,
                bindPrincipal,
                mode,
                keys,
                busyCode2026,
                learnAnnotations);
    }

    /**
     * These options with other key sources.
     *
     * @param other the key and turn sources; null for the defaults
     * @return a copy with {@code other}
     */
    public GuardOptions withKeys(ConversationKeys other) {
        return new GuardOptions(
                enabled,
                maxBodySize,
                maxJsonDepth,
                busyCode,
                failOpenReads,
                failOpenWrites,
                turnHeader,
                bindPrincipal,
                waitMode,
                other,
                busyCode2026,
                learnAnnotations);
    }

    /**
     * These options with learning from {@code readOnlyHint} on or off.
     *
     * @param learn whether to learn
     * @return a copy with {@code learn}
     */
    public GuardOptions withLearnAnnotations(boolean learn) {
        return new GuardOptions(
                enabled,
                maxBodySize,
                maxJsonDepth,
                busyCode,
                failOpenReads,
                failOpenWrites,
                turnHeader,
                bindPrincipal,
                waitMode,
                keys,
                busyCode2026,
                learn);
    }

    /**
     * The busy code for a request of the given era.
     *
     * @param mcp2026 whether the request is of MCP 2026-07-28
     * @return {@link #busyCode2026()} or {@link #busyCode()}
     */
    public int busyCode(boolean mcp2026) {
        return mcp2026 ? busyCode2026 : busyCode;
    }

    /**
     * Whether a call of this mode may go on unguarded while the store is unreachable.
     *
     * @param mode the call's mode
     * @return {@link #failOpenReads()} for a read, {@link #failOpenWrites()} for a write
     */
    public boolean failOpen(dev.turnstile.Mode mode) {
        return mode == dev.turnstile.Mode.READ ? failOpenReads : failOpenWrites;
    }
}
