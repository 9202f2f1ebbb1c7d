package dev.turnstile;

/**
 * How a guarded call shares its turn: {@link #READ} calls of one turn run in parallel,
 * a {@link #WRITE} call runs with nothing else of its turn beside it.
 */
public enum Mode {
    /** Shares the turn with the turn's other reads; waits while a write of the turn runs or waits. */
    READ("read"),
    /** Runs alone in its turn: waits until the turn's reads in flight have drained. */
    WRITE("write");

    private final String wireName;

    Mode(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The lower-case name used in configuration, logs and request attributes.
     *
     * @return {@code read} or {@code write}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Whether a place of this mode also covers a nested call of mode {@code requested}: a write covers
     * both modes, a read covers only a read.
     *
     * @param requested the mode of the nested call
     * @return true when a holder of this mode may re-enter with {@code requested} without a new place
     */
    public boolean covers(Mode requested) {
        return this == WRITE || requested == READ;
    }
}
