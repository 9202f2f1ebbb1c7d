package dev.turnstile.engine;

import dev.turnstile.TurnstileConfig;
import java.util.List;

/**
 * Key and channel names. Every name of one session carries the same hash tag, the session hash
 * in braces, so one script can touch them all on Redis Cluster. Ids are never part of a name in
 * clear: only their hashes are.
 */
final class RedisKeys {

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = TurnstileConfig.requireValidKeyPrefix(prefix);
    }

    String base(String sessionHash) {
        return prefix + ":{" + sessionHash + "}:";
    }

    /** KEYS of acquire.lua. */
    List<String> acquire(Place place) {
        String base = base(place.sessionHash());
        return List.of(base + "turn", base + "places", base + "writers:" + place.turnHash(), base + "fence",
                base + "gone:" + place.token());
    }

    /** KEYS of abandon.lua. */
    List<String> abandon(Place place) {
        String base = base(place.sessionHash());
        return List.of(base + "turn", base + "places", base + "writers:" + place.turnHash(), base + "wake",
                base + "gone:" + place.token());
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
