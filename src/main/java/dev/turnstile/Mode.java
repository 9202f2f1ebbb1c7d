package dev.turnstile;

/**
 * How a guarded call shares its turn: {@link #READ} calls of one turn run in parallel,
 * a {@link #WRITE} call runs with nothing else of its turn beside it.
 */
public enum Mode {
    READ("read"),
    WRITE("write");

    private final String wireName;

    Mode(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used in configuration, logs and request attributes. */
    public String wireName() {
        return wireName;
    }

    /** True when a holder of this mode may re-enter with {@code requested} without a new place. */
    public boolean covers(Mode requested) {
        return this == WRITE || requested == READ;
    }
}
