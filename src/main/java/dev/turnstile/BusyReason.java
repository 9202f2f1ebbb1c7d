package dev.turnstile;

/** Why a call could not get its place before its deadline. */
public enum BusyReason {
    /** Another turn of the session holds the session. */
    SESSION_BUSY("session_busy"),
    /** The caller's own turn holds the session, but the read/write rule keeps the call out. */
    TURN_BUSY("turn_busy");

    private final String wireName;

    BusyReason(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The value written to {@code error.data.reason}.
     *
     * @return {@code session_busy} or {@code turn_busy}
     */
    public String wireName() {
        return wireName;
    }
}
