package dev.turnstile.internal.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hashes of ids and random owner tokens. Session ids are bearer credentials, so only a truncated
 * SHA-256 of them (22 base64url characters, 132 bits) ever reaches Redis, logs or listeners.
 */
public final class Hashing {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Hashing() {}

    /** The hash used for a session id in keys, logs and listener events. */
    public static String sessionHash(String sessionId) {
        return hash("s\u0000", sessionId);
    }

    /** The hash used for a turn id in keys (always within its session's namespace). */
    public static String turnHash(String turnId) {
        return hash("t\u0000", turnId);
    }

    /** The hash of an endpoint (the request path of an MCP server) in the keys of its learned tool classes. */
    public static String endpointHash(String endpoint) {
        return hash("e\u0000", endpoint);
    }

    /** The hash of a {@code tools/list} cursor in the key of the walk it continues. */
    static String cursorHash(String cursor) {
        return hash("c\u0000", cursor);
    }

    /** A random 128-bit owner token, also used as the turn of a call without a turn id. */
    public static String randomToken() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    private static String hash(String domain, String value) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update(domain.getBytes(StandardCharsets.UTF_8));
        byte[] bytes = digest.digest(value.getBytes(StandardCharsets.UTF_8));
        return BASE64URL.encodeToString(bytes).substring(0, 22);
    }
}
