package dev.turnstile;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The engine's immutable settings, validated at construction with messages that name the setting
 * and the bad value.
 *
 * @param keyPrefix       first part of every Redis key and channel
 * @param lease           how long a place survives without renewal; a crashed holder frees its session within it
 * @param acquireTimeout  one deadline for the whole acquisition of a call
 * @param recheckInterval the longest a waiter sleeps without a wake-up before it tries again
 * @param fenceRetention  how long a session's fence counter is kept after its last write
 * @param maxHold         the longest a place is renewed; a call still running after it loses its
 *                        lease when the lease runs out ({@link Duration#ZERO}: renewed without end)
 * @param turnGrace       once a call of another turn has waited this long, new calls of the turn
 *                        holding the session queue behind it (rule 4); {@link #TURN_GRACE_OFF}: never
 */
public record TurnstileConfig(
        String keyPrefix,
        Duration lease,
        Duration acquireTimeout,
        Duration recheckInterval,
        Duration fenceRetention,
        Duration maxHold,
        Duration turnGrace) {

    /** Default {@code key-prefix}: {@value}. */
    public static final String DEFAULT_KEY_PREFIX = "turnstile";
    /** Default {@code lease}: 30 seconds. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** Default {@code acquire-timeout}: 5 seconds. */
    public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@code recheck-interval}: 2 seconds. */
    public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(2);
    /** Default {@code fence-retention}: 1 day. */
    public static final Duration DEFAULT_FENCE_RETENTION = Duration.ofDays(1);
    /** Default {@code max-hold}: 15 minutes. */
    public static final Duration DEFAULT_MAX_HOLD = Duration.ofMinutes(15);
    /** Default {@code turn-grace}: 500 milliseconds. */
    public static final Duration DEFAULT_TURN_GRACE = Duration.ofMillis(500);
    /** {@code turn-grace off}: the turn holding a session keeps it while its calls overlap. */
    public static final Duration TURN_GRACE_OFF = Duration.ofMillis(-1);

    /** Smallest lease: the watchdog renews every lease/3. */
    public static final Duration MIN_LEASE = Duration.ofMillis(300);
    /** Smallest re-check interval: 10 milliseconds. */
    public static final Duration MIN_RECHECK_INTERVAL = Duration.ofMillis(10);
    /** The least a waiting mark outlives the re-check interval (see {@link #waitingMark()}). */
    static final Duration MIN_MARK_MARGIN = Duration.ofMillis(250);

    private static final Pattern PREFIX = Pattern.compile("[\\x21-\\x7a\\x7c\\x7e]{1,64}");

    /**
     * Validates the settings.
     *
     * @param keyPrefix       first part of every Redis key and channel
     * @param lease           how long a place survives without renewal
     * @param acquireTimeout  one deadline for the whole acquisition of a call
     * @param recheckInterval the longest a waiter sleeps without a wake-up before it tries again
     * @param fenceRetention  how long a session's fence counter is kept after its last write
     * @param maxHold         the longest a place is renewed ({@link Duration#ZERO}: without end)
     * @param turnGrace       how long a call of another turn waits before new calls of the holding turn
     *                        queue behind it
     * @throws IllegalArgumentException when a setting is out of range: a key prefix that is not 1-64
     *                                  visible ASCII characters without braces, a lease under
     *                                  {@link #MIN_LEASE}, a negative acquire timeout or max hold, a
     *                                  re-check interval under {@link #MIN_RECHECK_INTERVAL}, a fence
     *                                  retention shorter than the lease, or a negative turn grace
     *                                  other than {@link #TURN_GRACE_OFF}; the message names the
     *                                  setting and the value
     * @throws NullPointerException     when a setting is null
     */
    public TurnstileConfig {
        requireValidKeyPrefix(keyPrefix);
        atLeast("lease", lease, MIN_LEASE);
        atLeast("acquire-timeout", acquireTimeout, Duration.ZERO);
        atLeast("recheck-interval", recheckInterval, MIN_RECHECK_INTERVAL);
        atLeast("fence-retention", fenceRetention, lease);
        atLeast("max-hold", maxHold, Duration.ZERO);
        Objects.requireNonNull(turnGrace, "turn-grace");
        if (turnGrace.isNegative() && !turnGrace.equals(TURN_GRACE_OFF)) {
            throw new IllegalArgumentException("turn-grace must be at least 0s, or off: '" + human(turnGrace) + "'");
        }
    }

    /**
     * All defaults.
     *
     * @return the configuration of the {@code DEFAULT_*} constants
     */
    public static TurnstileConfig defaults() {
        return new TurnstileConfig(
                DEFAULT_KEY_PREFIX,
                DEFAULT_LEASE,
                DEFAULT_ACQUIRE_TIMEOUT,
                DEFAULT_RECHECK_INTERVAL,
                DEFAULT_FENCE_RETENTION,
                DEFAULT_MAX_HOLD,
                DEFAULT_TURN_GRACE);
    }

    /**
     * Checks a key prefix: 1-64 visible ASCII characters without braces (a brace would change the
     * Redis Cluster hash tag of every key).
     *
     * @param keyPrefix the prefix to check
     * @return {@code keyPrefix}, when it is valid
     * @throws IllegalArgumentException when it is not valid; the message quotes it
     * @throws NullPointerException     when it is null
     */
    public static String requireValidKeyPrefix(String keyPrefix) {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (!PREFIX.matcher(keyPrefix).matches()) {
            throw new IllegalArgumentException(
                    "key-prefix must be 1-64 visible ASCII characters without braces: '" + keyPrefix + "'");
        }
        return keyPrefix;
    }

    /**
     * Whether rule 4 is off ({@code turn-grace off}).
     *
     * @return true when the turn grace is {@link #TURN_GRACE_OFF}
     */
    public boolean turnGraceOff() {
        return turnGrace.isNegative();
    }

    /**
     * Whether places are renewed without end ({@code max-hold} 0).
     *
     * @return true when the max hold is zero
     */
    public boolean holdsWithoutLimit() {
        return maxHold.isZero();
    }

    /**
     * How often the watchdog renews held places.
     *
     * @return a third of the lease
     */
    public Duration renewInterval() {
        return lease.dividedBy(3);
    }

    /**
     * How long a waiting call's mark (its place in line) lives without being refreshed: the re-check
     * interval plus half of it, at least 250 ms more. A waiter tries again at least every re-check
     * interval and refreshes it then (the margin covers a late attempt); a waiter that died stops
     * holding the line (calls of its turn behind it, turns behind its turn) after this.
     *
     * @return the lifetime of a waiting mark
     */
    public Duration waitingMark() {
        Duration margin = recheckInterval.dividedBy(2);
        return recheckInterval.plus(margin.compareTo(MIN_MARK_MARGIN) < 0 ? MIN_MARK_MARGIN : margin);
    }

    private static void atLeast(String name, Duration value, Duration min) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + human(min) + ": '" + human(value) + "'");
        }
    }

    /** {@code 5s} or {@code 250ms}: the form settings are written in. */
    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
