package dev.turnstile.internal.engine;

import dev.turnstile.TurnstileConfig;
import dev.turnstile.spi.Place;
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

    /** The session's lock keys, KEYS[1..5] of every script (see common.lua). */
    private List<String> lockKeys(String base, String... more) {
        List<String> keys = new java.util.ArrayList<>(5 + more.length);
        keys.add(base + "turn");
        keys.add(base + "places");
        keys.add(base + "waiting");
        keys.add(base + "waitlex");
        keys.add(base + "turns");
        for (String m : more) {
            keys.add(base + m);
        }
        return keys;
    }

    /** KEYS of acquire.lua. */
    List<String> acquire(Place place) {
        return lockKeys(base(place.sessionHash()), "fence", "gone:" + place.token(), "wake");
    }

    /** KEYS of release.lua, renew.lua and withdraw.lua. */
    List<String> session(String sessionHash) {
        return lockKeys(base(sessionHash), "wake");
    }

    /** KEYS of abandon.lua. */
    List<String> abandon(Place place) {
        return lockKeys(base(place.sessionHash()), "wake", "gone:" + place.token());
    }

    /** The names of an endpoint's learned tool classes all carry its hash tag, {@code {t.<endpoint hash>}}. */
    private String toolsBase(String endpointHash) {
        return prefix + ":{t." + endpointHash + "}:";
    }

    /** The hash of an endpoint's learned tool classes. */
    String tools(String endpointHash) {
        return toolsBase(endpointHash) + "tools";
    }

    /** KEYS of learn.lua: the walk keys are the tools key when there is no cursor. */
    List<String> learn(String endpointHash, String cursorHash, String nextCursorHash) {
        String base = toolsBase(endpointHash);
        return List.of(
                base + "tools",
                cursorHash == null ? base + "tools" : base + "walk:" + cursorHash,
                nextCursorHash == null ? base + "tools" : base + "walk:" + nextCursorHash,
                base + "epoch",
                toolsChannel(endpointHash));
    }

    /** The channel on which a change of an endpoint's learned classes is published. */
    String toolsChannel(String endpointHash) {
        return toolsBase(endpointHash) + "tools-changed";
    }

    /** The endpoint hash of a tools channel name, or null when the name is not one. */
    String endpointOfChannel(String channel) {
        String start = prefix + ":{t.";
        String end = "}:tools-changed";
        if (!channel.startsWith(start) || !channel.endsWith(end) || channel.length() <= start.length() + end.length()) {
            return null;
        }
        return channel.substring(start.length(), channel.length() - end.length());
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
