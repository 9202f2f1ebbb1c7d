package dev.turnstile.bench;

import dev.turnstile.Mode;
import redis.clients.jedis.RedisClient;

/**
 * The floor of a two-round-trip guard (bench only): it reads and classifies the body like the other
 * filters and, instead of locking, sends one PING before the call and one after it, through a
 * pooled Jedis client of the same size as Turnstile's. It guards nothing; no guard that keeps its
 * state in Redis and talks to it twice per call can be cheaper.
 */
final class FloorFilter extends SniffingFilter {

    private final RedisClient client;

    FloorFilter(RedisClient client) {
        this.client = client;
    }

    @Override
    Guard.Held guard(String session, String turn, Mode mode) {
        client.ping();
        return client::ping;
    }
}
