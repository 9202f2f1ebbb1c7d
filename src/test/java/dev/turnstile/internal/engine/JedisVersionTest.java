package dev.turnstile.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Jedis floor: older than 6.0.0 is refused with one message, unknown versions are let through. */
class JedisVersionTest {

    @Test
    void versionsBelowTheFloorAreOlder() {
        assertTrue(JedisVersion.olderThan("5.2.0", "6.0.0"));
        assertTrue(JedisVersion.olderThan("5.99.99", "6.0.0"));
        assertTrue(JedisVersion.olderThan("4.4.8", "6.0.0"));
        assertTrue(JedisVersion.olderThan("5.3.0-SNAPSHOT", "6.0.0"));
        assertTrue(JedisVersion.olderThan("5", "6.0.0"));
    }

    @Test
    void theFloorAndNewerAreNotOlder() {
        for (String v :
                new String[] {"6.0.0", "6.0.0-beta2", "6.0.1", "6.1", "7.0.0", "7.5.3", "8.0.2", "10.0.0", "6"}) {
            assertFalse(JedisVersion.olderThan(v, "6.0.0"), v);
        }
    }

    @Test
    void aVersionThatDoesNotStartWithANumberIsUnknownAndLetThrough() {
        for (String v : new String[] {"", "unknown", "${project.version}", "v5.2.0", ".5"}) {
            assertFalse(JedisVersion.olderThan(v, "6.0.0"), v);
            assertNull(JedisVersion.problem(v), v);
        }
        assertNull(JedisVersion.problem(null));
    }

    @Test
    void theMessageNamesTheVersionFoundAndTheFix() {
        assertEquals(
                "Turnstile needs Jedis 6.0.0 to 8.x; found 5.2.0 on the class path (redis.clients:jedis)."
                        + " Use a newer one: with Spring Boot's dependency management set the property jedis.version=7.5.3,"
                        + " otherwise declare redis.clients:jedis:7.5.3",
                JedisVersion.problem("5.2.0"));
        assertNull(JedisVersion.problem("6.0.0"));
        assertNull(JedisVersion.problem("8.0.2"));
    }

    @Test
    void readsTheJedisOfTheClassPathWhichIsTheOneTheLibraryDeclares() {
        String found = JedisVersion.found();
        assertNotNull(found, "the Jedis jar says its version");
        assertEquals(JedisVersion.DECLARED, found, "DECLARED follows jedis.version in pom.xml");
        JedisVersion.requireSupported();
    }
}
