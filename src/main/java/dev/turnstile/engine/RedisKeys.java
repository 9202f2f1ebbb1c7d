package dev.turnstile.engine;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Key and channel names. Every name of one session carries the same hash tag, the session hash
 * in braces, so one script can touch them all on Redis Cluster. Ids are never part of a name in
 * clear: only their hashes are.
 */
final class RedisKeys {

    /** Visible ASCII without braces (they would change the Cluster hash tag) and without spaces. */
    private static final Pattern PREFIX = Pattern.compile("[\\x21-\\x7a\\x7c\\x7e&&[^{}]]{1,64}");

    private final String prefix;

    RedisKeys(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("key prefix must be 1-64 visible ASCII characters without"
                    + " braces or spaces: '" + prefix + "'");
        }
        this.prefix = prefix;
    }

    static boolean validPrefix(String prefix) {
        return prefix != null && PREFIX.matcher(prefix).matches();
    }

    String base(String sessionHash) {
        return prefix + ":{" + sessionHash + "}:";
    }

    /** KEYS of acquire.lua. */
    List<String> acquire(Place place) {
        String base = base(place.sessionHash());
        return List.of(base + "turn", base + "places", base + "writers:" + place.turnHash(), base + "fence");
    }

    /** KEYS of release.lua and renew.lua. */
    List<String> session(String sessionHash) {
        String base = base(sessionHash);
        return List.of(base + "turn", base + "places", base + "wake");
    }

    /** KEYS of withdraw.lua. */
    List<String> withdraw(Place place) {
        String base = base(place.sessionHash());
        return List.of(base + "writers:" + place.turnHash(), base + "wake");
    }

    String wakeChannel(String sessionHash) {
        return base(sessionHash) + "wake";
    }

    /** The session hash of a wake channel name, or null when the name is not one. */
    String sessionOfChannel(String channel) {
        int open = channel.indexOf('{', prefix.length());
        int close = channel.indexOf('}', open + 1);
        if (!channel.startsWith(prefix + ":{") || open < 0 || close < 0 || !channel.endsWith("}:wake")) {
            return null;
        }
        return channel.substring(open + 1, close);
    }
}
